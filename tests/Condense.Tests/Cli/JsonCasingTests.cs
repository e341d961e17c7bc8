using System.Text.Json;
using Condense.Cli;
using Condense.Cli.Reports;
using Condense.Formats.Onnx;
using Condense.Tests.Workflows;
using Condense.Workflows.Quantize;

namespace Condense.Tests.Cli;

/// <summary>
/// Every command's <c>--json</c> is snake_case (docs/cli.md). <see cref="CliHarness"/> checks each
/// run a test makes with <c>--json</c>; these tests pin the rule itself, the serializer's
/// spellings of the tricky names, and the quick commands no other test runs with <c>--json</c>.
/// </summary>
public sealed class JsonCasingTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-json-casing-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_rule_flags_camel_and_pascal_case_property_names_and_passes_data_names()
    {
        var offences = JsonKeys.NotSnakeCase("""{"mean_error": 1, "meanError": 2, "rows": [{"Hashes": 1, "k": 2}], "tensors": {"W": "kept", "fc1.weight": "x", "Conv_0": "y", "MatMul": "z"}, "runtime_ops": {"MatMulNBits": 1}, "layers": [{"MatMul": 2}]}""");
        Assert.Equal(["$.meanError", "$.rows[0].Hashes", "$.layers[0].MatMul"], offences);
    }

    [Fact]
    public void The_serializer_spells_reports_in_snake_case()
    {
        var layer = new QuantizedLayerReport("fc1", [2, 3], "kmeans 4-bit", 4, 16, 24, 8, 3, 4, 1, 0, 8, 8, 32, 16, 2, 0.1, 0.2, 30, 1.5, 0.05, 12, 0.6, 0.01, 0.02, 0.001);
        var json = JsonSerializer.Serialize(layer, CliConsole.SnakeJson);
        Assert.Contains("\"rel_1norm_error\": 0.05", json);
        Assert.Contains("\"cond1\": 12", json);
        Assert.Contains("\"measured_output_error_mean\": 0.01", json);
        Assert.Contains("\"histogram_kl\": 0.001", json);
        Assert.Empty(JsonKeys.NotSnakeCase(json));
        var study = new RankStudyDataReport("mnist10k", [], true, null, new RankStudyFactorizedReport(20, 41000, 0.9, 0.3, 0.8, 0.5, 0.95));
        var text = JsonSerializer.Serialize(study, CliConsole.SnakeJson);
        Assert.Contains("\"ordered_l1_l2_baseline\": true", text);
        Assert.Contains("\"fc2_parameters\": 41000", text);
        Assert.Contains("\"svd_after_training_accuracy\": 0.8", text);
        // Anonymous objects too, and one serializer under both names.
        Assert.Contains("\"bytes_after\": 1", JsonSerializer.Serialize(new { bytesAfter = 1 }, CliConsole.Json));
        Assert.Same(CliConsole.SnakeJson, CliConsole.Json);
    }

    public static TheoryData<string[]> QuickCommands => new()
    {
        new[] { "image", "sample:chelsea", "--colors", "4", "--json" },
        new[] { "image", "sample:chelsea", "--sweep", "2,4", "--json" },
        new[] { "bench", "kmeans", "--n", "64", "--bits", "2", "--repeat", "1", "--json" },
        new[] { "bench", "lowrank", "--n", "40", "--ranks", "5", "--reps", "1", "--json" },
    };

    [Theory]
    [MemberData(nameof(QuickCommands))]
    public void Quick_commands_print_snake_case_json(string[] args)
    {
        var (code, stdout, stderr) = CliHarness.Run(args);   // the harness asserts the casing
        Assert.True(code == 0, stderr);
        Assert.NotEmpty(JsonDocument.Parse(stdout).RootElement.EnumerateObject());
    }

    [Fact]
    public void Info_and_data_on_an_onnx_graph_print_snake_case_json()
    {
        var path = Path.Combine(_dir, "tiny.onnx");
        OnnxWriter.Write(path, TinyOnnxModels.ConvNet());
        foreach (var command in new[] { "info", "data" })
        {
            var (code, stdout, stderr) = CliHarness.Run(command, path, "--json");
            Assert.True(code == 0, stderr);
            Assert.Empty(JsonKeys.NotSnakeCase(stdout));
        }
    }
}
