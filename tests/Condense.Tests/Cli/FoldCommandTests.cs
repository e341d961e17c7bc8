using System.Text.Json;
using Condense.Formats.Onnx;

namespace Condense.Tests.Cli;

public sealed class FoldCommandTests
{
    [Fact]
    [Trait("Category", "Slow")]
    public void Fold_writes_a_verified_model_and_reports_snake_case_json()
    {
        var dir = Directory.CreateTempSubdirectory("condense-fold-");
        try
        {
            var output = Path.Combine(dir.FullName, "r18.onnx");
            var (code, stdout, _) = CliHarness.Run("fold", PackagedModels.ResNet18, "-o", output, "--json");
            Assert.Equal(0, code);
            using var json = JsonDocument.Parse(stdout);
            Assert.Equal(22, json.RootElement.GetProperty("graph").GetProperty("batch_norms_folded").GetInt32());
            Assert.True(json.RootElement.GetProperty("verification").GetProperty("worst_relative").GetDouble() <= 1e-5);
            Assert.Equal(52, OnnxReader.Read(output).Proto.Graph.Node.Count);
        }
        finally { dir.Delete(true); }
    }

    [Fact]
    public void A_missing_model_is_one_line_and_writes_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("condense-fold-");
        try
        {
            var output = Path.Combine(dir.FullName, "out.onnx");
            var (code, _, stderr) = CliHarness.Run("fold", Path.Combine(dir.FullName, "missing.onnx"), "-o", output);
            Assert.Equal(1, code);
            Assert.Single(stderr.Trim().Split('\n'));
            Assert.False(File.Exists(output));
        }
        finally { dir.Delete(true); }
    }
}
