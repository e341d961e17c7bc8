using Condense.Data;
using Condense.Formats;
using Condense.LowRank;
using Condense.LowRank.TensorTrain;
using Condense.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Condense.Tests.LowRank;

/// <summary>TT and L + S networks written and read back: the same outputs from only the stored cores / factors and S.</summary>
public class StructuredModelFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("condense-structured-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static float[] Outputs(CondenseModel model, float[] x, int n)
    {
        model.eval();
        using var _ = no_grad();
        using var input = tensor(x, [n, 64]);
        using var y = model.forward(input);
        return y.data<float>().ToArray();
    }

    [Fact]
    public void TensorTrainAndPlusSparseLayersRoundTripThroughTheFile()
    {
        manual_seed(3);
        using var dense = new MlpModel(ModelKind.Classifier, [64, 36, 36, 10], 0.1, Normalization.Mnist);
        var (lpsModel, error) = LowRankPlusSparseModel.Build(dense, "fc1", 4, SparseBudget.OfCount(50));
        Assert.InRange(error, 0, 1);
        var lps = (LowRankPlusSparseLinear)lpsModel.Parts[0].Module;
        Assert.Equal(50, lps.SparseCount);
        // L + S reproduces the split: W_LS − W equals what the error says.
        using (var w = lps.Weight())
            Assert.Equal(error, ((w - dense.Layers[0].Layer.weight!).norm().item<float>() / dense.Layers[0].Layer.weight!.norm().item<float>()), 3);

        var tt = new TensorTrainLinear(new TensorTrainShape([6, 6], [6, 6], [1, 3, 1]));
        using var ttModel = new StructuredMlp([StructuredMlp.CopyOf(dense.Layers[0].Layer), tt, StructuredMlp.CopyOf(dense.Layers[2].Layer)], 0.1, Normalization.Mnist);
        var random = new Random(4);
        var x = Enumerable.Range(0, 3 * 64).Select(_ => (float)random.NextDouble()).ToArray();
        foreach (var (model, name) in new[] { (lpsModel, "lps"), (ttModel, "tt") })
        {
            var path = Path.Combine(_dir, $"{name}.safetensors");
            StructuredModelFile.Save(path, model);
            using var loaded = StructuredModelFile.Load(path);
            Assert.Equal(Outputs(model, x, 3), Outputs(loaded, x, 3));
            Assert.Equal(model.Specs, loaded.Specs);
            using var reader = SafetensorsReader.Open(path);
            var stored = reader.Entries.Sum(e => e.Shape.Aggregate(1L, (a, b) => a * b));
            Assert.Equal(model.ParameterCount + (name == "lps" ? 50 : 0), stored);   // S's int32 positions besides the parameters
        }
        lpsModel.Dispose();
    }

    [Fact]
    public void AShapeThatDisagreesWithTheSizesIsAOneLineInvalidFileError()
    {
        manual_seed(5);
        using var model = new StructuredMlp([new TensorTrainLinear(new TensorTrainShape([2, 5], [4, 4], [1, 2, 1])), nn.Linear(10, 3)], 0, Normalization.Mnist);
        var path = Path.Combine(_dir, "bad.safetensors");
        var metadata = new Dictionary<string, string>(model.Describe()) { ["layers"] = "tt:2x5|4x2|1,2,1;dense", [ModelFile.FormatKey] = ModelFile.FormatVersion };
        SafetensorsWriter.Write(path, ModelFile.Weights(model), metadata);
        var ex = Assert.Throws<InvalidFileException>(() => StructuredModelFile.Load(path));
        Assert.Contains("fc1", ex.Message);
    }
}
