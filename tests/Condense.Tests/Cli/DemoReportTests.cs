using System.Text.Json;
using Condense.Data;
using Condense.Models;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Condense.Tests.Cli;

/// <summary>
/// The report's numbers match the files: each size is the file's length, and each accuracy or MSE
/// is recomputed here from the file alone, ONNX files through a bare ONNX Runtime session
/// (independent of Condense's own runner), Condense files through <see cref="ModelFile"/>.
/// </summary>
[Trait("Category", "Slow")]
public class DemoReportTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-demo-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void QuickDemoReportAgreesWithEveryFileItWrote()
    {
        var (code, _, stderr) = CliHarness.Run("demo", "--quick", "-o", _dir);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(Path.Combine(_dir, "report.html")));
        var html = File.ReadAllText(Path.Combine(_dir, "report.html"));
        Assert.DoesNotContain("http://", html.Replace("http://www.w3.org", ""));
        Assert.DoesNotContain("<script", html);

        var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "report.json"))).RootElement;
        var rows = report.GetProperty("rows").EnumerateArray().ToList();
        Assert.True(rows.Count >= 10, $"{rows.Count} rows");
        // Every method's rows are present, so the loop below measures each of them from its file.
        var methods = rows.Select(r => r.GetProperty("method").GetString()).ToHashSet();
        foreach (var method in new[] { "fp32", "k-means", "linear", "pruning (sparse file)", "gradual pruning (AGP)", "skeletonization", "low rank", "hashing", "multi-hashing", "distillation", "data-free distillation", "Deep Compression" })
            Assert.Contains(method, methods);
        // The CNN section (issue 18): LeNet-5, and VGG-BN with its BN-fused and slimmed files.
        var cnn = rows.Where(r => r.GetProperty("model").GetString()!.StartsWith("cnn-")).Select(r => r.GetProperty("method").GetString()).ToList();
        Assert.Equal(["fp32", "fp32", "BN fusion", "network slimming"], cnn);
        var hashed = rows.Where(r => r.GetProperty("method").GetString() == "hashing").ToList();
        Assert.Equal(2, hashed.Count);
        hashed.AddRange(rows.Where(r => r.GetProperty("method").GetString() == "multi-hashing"));
        Assert.Equal(3, hashed.Count);
        // The hashed files hold the pools only: 8× and 64× fewer weights than the fp32 model.
        Assert.All(hashed, r => Assert.True(r.GetProperty("times_smaller").GetDouble() > 6, $"{r.GetProperty("file")}: {r.GetProperty("times_smaller")}× smaller"));
        var (_, test) = DataSets.Load(DataSets.Mnist10k);
        foreach (var row in rows)
        {
            var path = Path.Combine(_dir, row.GetProperty("file").GetString()!);
            Assert.Equal(new FileInfo(path).Length, row.GetProperty("bytes").GetInt64());
            var classifier = row.GetProperty("accuracy").ValueKind == JsonValueKind.Number;   // the classifier and the CNN sections
            var (accuracy, mse) = path.EndsWith(".onnx") ? BareOnnxRuntime(path, test, classifier) : ViaModelFile(path, test);
            if (classifier)
                Assert.Equal(row.GetProperty("accuracy").GetDouble(), accuracy, 9);
            else
                Assert.Equal(row.GetProperty("mse").GetDouble(), mse, 6);
        }
        foreach (var figure in Condense.Cli.Demo.DemoReport.Figures)
            Assert.True(new FileInfo(Path.Combine(_dir, figure)).Length > 10_000, figure);
    }

    static (double Accuracy, double Mse) BareOnnxRuntime(string path, Dataset test, bool classifier)
    {
        using var session = new InferenceSession(path);
        var input = new DenseTensor<float>(test.Images, [test.Count, test.Features]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(session.InputMetadata.Keys.First(), input)]);
        var y = results.First().AsEnumerable<float>().ToArray();
        if (classifier)
        {
            var correct = 0;
            for (var i = 0; i < test.Count; i++)
            {
                var row = y.AsSpan(i * 10, 10);
                var best = 0;
                for (var c = 1; c < 10; c++) if (row[c] > row[best]) best = c;
                if (best == test.Labels[i]) correct++;
            }
            return ((double)correct / test.Count, double.NaN);
        }
        double sum = 0;
        for (var i = 0; i < y.Length; i++) sum += (double)(y[i] - test.Images[i]) * (y[i] - test.Images[i]);
        return (double.NaN, sum / y.Length);
    }

    static (double Accuracy, double Mse) ViaModelFile(string path, Dataset test)
    {
        CondenseModel model = Path.GetExtension(path) switch
        {
            ".csparse" => Condense.Pruning.SparseModelFile.Load(path),
            ".cdz" => Condense.DeepCompression.CompressedModelFile.Load(path),
            _ when Path.GetFileName(path).Contains(".rank") => Condense.LowRank.FactorizedModelFile.Load(path),
            _ when Path.GetFileName(path).Contains(".hashed") || Path.GetFileName(path).Contains(".multihash") => Condense.Hashing.HashedModelFile.Load(path),
            _ when Path.GetFileName(path).Contains(".tt") || Path.GetFileName(path).Contains(".lps") => Condense.LowRank.StructuredModelFile.Load(path),
            _ => ModelFile.Load(path).Model,
        };
        using (model)
        {
            var e = Evaluator.Evaluate(model, test);
            return (e.Accuracy ?? double.NaN, e.Loss);
        }
    }
}
