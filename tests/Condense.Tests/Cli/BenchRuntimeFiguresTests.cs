using System.Text.Json.Nodes;
using Condense.Cli.Bench;

namespace Condense.Tests.Cli;

public sealed class BenchRuntimeFiguresTests
{
    static JsonNode Row(string model, string variant, double ms1, double ms2, long session, double? cosine, double? accuracy = null) =>
        new JsonObject
        {
            ["model"] = model, ["variant"] = variant, ["ms_1t"] = ms1, ["ms_2t"] = ms2, ["session_bytes"] = session,
            ["cosine"] = cosine, ["accuracy"] = accuracy,
        };

    [Fact]
    public void Runtime_figures_get_the_issue_verdicts()
    {
        var json = new JsonObject
        {
            ["load_average"] = "0.5 0.4 0.3",
            ["rows"] = new JsonArray(
                Row("resnet18", "fp32", 40, 25, 200, 1), Row("resnet18", "int8-static", 10, 8, 40, 0.996),
                Row("minilm", "fp32", 10, 6, 140, 1), Row("minilm", "int8-dynamic", 5, 3, 70, 0.995), Row("minilm", "nbits4", 9, 5, 30, 0.97),
                Row("classifier", "fp32", 0.1, 0.1, 10, null, 94.25), Row("classifier", "int8-static", 0.06, 0.05, 5, null, 94.0)),
            ["pytorch"] = new JsonObject { ["threads1"] = new JsonObject { ["int8_ms"] = 11.5 }, ["threads2"] = new JsonObject { ["int8_ms"] = 7.0 } },
        };
        var figures = BenchRuntimeFigures.Figures(BenchSuite.Read<Condense.Workflows.RuntimeBenchReport>(json));
        Assert.Equal(7, figures.Count);
        Assert.Equal([true, true, true, true, false, true, null], figures.Select(f => f.Met));
        // 10 ms against PyTorch's 11.5 passes; 13 would not (more than 10 % slower).
        json["pytorch"]!["threads1"]!["int8_ms"] = 11.0;
        ((JsonObject)json["rows"]![1]!)["ms_1t"] = 13.0;
        Assert.False(BenchRuntimeFigures.Figures(BenchSuite.Read<Condense.Workflows.RuntimeBenchReport>(json))[0].Met);
    }
}
