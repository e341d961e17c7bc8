using Condense.Data;
using Condense.Formats.Onnx;
using Condense.Graph.Structure;
using Condense.Models;
using Condense.Pruning;
using Condense.Workflows.Structure;
using Google.Protobuf;
using Onnx;

namespace Condense.Tests.Graph.Structure;

/// <summary>The MNIST classifier exported to ONNX, half its hidden neurons removed through the graph path, against the MLP path.</summary>
public sealed class MnistStructuredPruningTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    readonly string dir = Directory.CreateTempSubdirectory("condense-mnist-structure-").FullName;

    public void Dispose() => Directory.Delete(dir, true);

    static List<IReadOnlyList<TensorProto>> Batches(Dataset data, int batch) =>
        Enumerable.Range(0, data.Count / batch).Select(b => (IReadOnlyList<TensorProto>)
            [OnnxTensorData.FromFloat32("input", data.Images.AsSpan(b * batch * data.Features, batch * data.Features), [batch, data.Features])]).ToList();

    static double Accuracy(string path, Dataset test)
    {
        using var runner = OnnxRuntimeRunner.FromFile(path);
        var scores = OnnxTensorData.ToFloat32(runner.Run([OnnxTensorData.FromFloat32("input", test.Images, [test.Count, test.Features])])[0]);
        int correct = 0;
        for (int i = 0; i < test.Count; i++)
        {
            var row = scores.AsSpan(i * 10, 10);
            var best = 0;
            for (int c = 1; c < 10; c++) if (row[c] > row[best]) best = c;
            if (best == test.Labels[i]) correct++;
        }
        return correct / (double)test.Count;
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Half_the_hidden_neurons_refit_beats_no_refit_and_no_refit_matches_neuron_removal()
    {
        var (train, test) = DataSets.Load(DataSets.Mnist10k);
        test = test.Take(1000);
        using var model = (MlpModel)ModelFactory.Create(ModelKind.Classifier, seed: 1);
        Trainer.Train(model, train.Take(3000), null, new TrainingOptions { Epochs = 2, Seed = 1 });
        model.eval();
        var path = Path.Combine(dir, "clf.onnx");
        File.WriteAllBytes(path, OnnxExporter.Export(model).ToByteArray());
        var calibration = Batches(train.Take(2048), 256);
        var heldOut = Batches(test, 250);

        OnnxPruneReport Prune(bool refit, string output) => OnnxPruneWorkflow.Run(new OnnxPruneRequest(path, Path.Combine(dir, output),
            new StructuredPruningOptions(0.5, BudgetKind.Channels, importance: ChannelImportance.L2, refit: refit), calibration, heldOut, LatencyRuns: 0, CompareWithoutRefit: false));
        var withRefit = Prune(true, "refit.onnx");
        var plain = Prune(false, "plain.onnx");
        Assert.All(withRefit.Groups, g => Assert.Equal(g.Width / 2, g.Removed));

        var accuracy = Accuracy(path, test);
        var refitAccuracy = Accuracy(Path.Combine(dir, "refit.onnx"), test);
        var plainAccuracy = Accuracy(Path.Combine(dir, "plain.onnx"), test);
        Assert.True(refitAccuracy > plainAccuracy, $"refit {refitAccuracy} vs no refit {plainAccuracy} (dense {accuracy})");

        // The MLP path: ‖row‖₂ structured pruning of each hidden layer, then NeuronRemoval.Compact.
        ModelPruner.Apply(model, new ModelPruningOptions { Criterion = PruningCriterion.Structured, Sparsity = 0.5 });
        var (compact, _) = NeuronRemoval.Compact(model);
        using var _ = compact;
        var written = OnnxReader.Read(Path.Combine(dir, "plain.onnx")).Proto.Graph;
        for (int i = 0; i + 1 < compact.Layers.Count; i++)
        {
            var (name, layer) = compact.Layers[i];
            Assert.Equal(layer.weight!.data<float>().ToArray(), OnnxTensorData.ToFloat32(written.Initializer.Single(t => t.Name == $"{name}.weight")));
        }
        var mlpAccuracy = Evaluator.Evaluate(compact, test).Accuracy!.Value;
        output.WriteLine($"dense {accuracy:P2}; ONNX refit {refitAccuracy:P2}, no refit {plainAccuracy:P2}; MLP NeuronRemoval {mlpAccuracy:P2}; hidden sizes {string.Join("-", compact.Sizes)}");
        Assert.True(Math.Abs(mlpAccuracy - plainAccuracy) <= 0.02, $"MLP path {mlpAccuracy} vs ONNX without refit {plainAccuracy}");
    }
}
