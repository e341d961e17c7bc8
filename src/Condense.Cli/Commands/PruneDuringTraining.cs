using System.CommandLine;
using System.Globalization;
using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense prune MODEL --method variational-dropout|agp</c>: the methods that prune while
/// training (<see cref="TrainingTimePruning"/>), over <c>--finetune-epochs</c> (default 10), written sparse.
/// A CNN file (LeNet-5, VGG, ResNet) takes both on its conv kernels and head.
/// </summary>
public static class PruneDuringTraining
{
    /// <summary>What <c>prune</c> parsed, for these methods.</summary>
    public sealed record Request(string Model, TrainingTimeMethod Method, double Sparsity, int Epochs, double LearningRate, string? Data, SparseStorageOptions Storage, int Seed, string Output, string? Report);

    /// <summary>The report, snake_case in JSON.</summary>
    public sealed record Report(string Model, string Method, string Data, double Sparsity, IReadOnlyList<LayerDensity> Layers, double? DenseAccuracy, double? PrunedAccuracy,
        int Epochs, string Output, long OutputBytes, long DenseSafetensorsBytes, double Seconds)
    {
        /// <summary>The written model's layer sizes (smaller than the input's after group variational dropout).</summary>
        public string Architecture { get; init; } = "";
    }

    public static int Run(ParseResult parse, Request r, bool json)
    {
        var group = r.Method == TrainingTimeMethod.GroupVariationalDropout;
        var safetensors = r.Output.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase);
        if (!group && safetensors)
            throw new CondenseException($"{r.Output}: {r.Method.Name()} writes a sparse file; give a {SparseModelFile.Extension} output");
        if (group && !safetensors)
            throw new CondenseException($"{r.Output}: {r.Method.Name()} removes whole neurons and writes the smaller dense model; give a .safetensors output");
        if (r.Epochs is < 1 or > 1000) throw new CondenseException($"{r.Method.Name()} trains while pruning: --finetune-epochs {r.Epochs} must be in 1–1000");
        var cnn = Condense.Models.Cnn.CnnModelFile.IsCnnFile(r.Model);
        if (cnn && group) throw new CondenseException($"{r.Model}: {r.Method.Name()} removes hidden neurons of an MLP; a CNN takes variational-dropout or agp");
        CondenseModel net;
        ModelCard card;
        if (cnn) (net, card) = Condense.Models.Cnn.CnnModelFile.Load(r.Model);
        else (net, card) = ModelFile.Load(r.Model);
        var dataName = r.Data ?? card.DataSet ?? DataSets.Mnist10k;
        if (dataName == "none") throw new CondenseException($"{r.Method.Name()} trains: it needs data, not '--data none'");
        var (train, test) = DataSets.Load(dataName);
        var training = new TrainingOptions { Epochs = r.Epochs, LearningRate = r.LearningRate, Seed = r.Seed };
        var result = TrainingTimePruning.Run(net, train, test, r.Method, r.Sparsity, training);
        // group VD's model is smaller and dense: its sparsity is the share of the input model's weights it no longer has
        var sparsity = group ? 1 - (double)result.Layers.Sum(l => l.Total) / net.Layers.Sum(l => l.Layer.weight!.numel()) : result.Sparsity;
        var extra = new Dictionary<string, string>
        {
            ["pruning.method"] = r.Method.Name(),
            ["pruning.sparsity"] = sparsity.ToString("R", CultureInfo.InvariantCulture),
            ["dataset"] = dataName,
        };
        if (group) ModelFile.Save(r.Output, result.Model, new ModelCard(dataName, Extra: extra));
        else SparseModelFile.Save(r.Output, result.Model, r.Storage, extra);
        var denseBytes = ModelFile.Weights(result.Model).Sum(t => 4L * t.Shape.Aggregate(1L, (a, b) => a * b));
        var report = new Report(r.Model, r.Method.Name(), dataName, sparsity, result.Layers, result.Before.Accuracy, result.After.Accuracy,
            r.Epochs, r.Output, new FileInfo(r.Output).Length, denseBytes, result.Seconds)
        {
            Architecture = result.Model is MlpModel mlp ? string.Join("-", mlp.Sizes) : result.Model.Describe()["architecture"],
        };
        if (!ReferenceEquals(result.Model, net)) result.Model.Dispose();
        net.Dispose();
        if (r.Report is { } path) AtomicFile.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(report, CliConsole.SnakeJson));
        if (json)
        {
            CliConsole.WriteReport(parse, report);
            return 0;
        }
        var console = CliConsole.For(parse);
        var table = new Table().AddColumns("layer", "weights", "nonzero", "density");
        foreach (var l in report.Layers) table.AddRow(l.Name, l.Total.ToString("N0"), l.Nonzero.ToString("N0"), l.Density.ToString("P2"));
        console.Write(table);
        console.WriteLine($"{report.Method} ({report.Architecture}) at {report.Sparsity:P2} sparsity after {r.Epochs} epochs: accuracy {report.PrunedAccuracy:P2} (input model {report.DenseAccuracy:P2})");
        console.WriteLine($"wrote {r.Output}: {report.OutputBytes:N0} bytes; dense float32 weights {report.DenseSafetensorsBytes:N0} bytes");
        return 0;
    }
}
