using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// Reads a model's intermediate values on real inputs, through ONNX Runtime itself: a copy of the
/// graph lists the wanted values as extra outputs, and each <see cref="Run"/> returns them for one
/// input set. Nothing is re-implemented, so what a method measures is exactly what the runtime
/// computes; callers stream samples through one at a time and fold each value into their own
/// statistics (ranges, histograms, XᵀX), so memory holds one sample's values, never the data set's.
/// </summary>
internal sealed class ActivationCapture : IDisposable
{
    readonly OnnxRuntimeRunner runner;
    readonly int firstCaptured;

    /// <summary>Prepares a session that also outputs <paramref name="valueNames"/> (values of the main graph).</summary>
    /// <param name="model">The model (not modified; a copy is lifted to opset 7 when older).</param>
    /// <param name="valueNames">Names of node outputs or graph inputs to capture; unknown names are a <see cref="CondenseException"/> naming them.</param>
    /// <param name="threads">ONNX Runtime intra-op threads.</param>
    public ActivationCapture(OnnxModel model, IReadOnlyList<string> valueNames, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(valueNames);
        var proto = model.Proto.Clone();
        OnnxOpsetUpgrade.ToOpset7(proto, model.Source);
        var graph = proto.Graph;
        var known = graph.Node.SelectMany(n => n.Output).Concat(graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        var unknown = valueNames.Where(n => !known.Contains(n)).ToList();
        if (unknown.Count > 0)
            throw new CondenseException($"{model.Source}: no value named {string.Join(", ", unknown.Take(5).Select(n => $"'{n}'"))} in the main graph");
        firstCaptured = graph.Output.Count;
        // ONNX Runtime infers an output's type from the graph, so a name is all an extra output needs;
        // a value that already is an output, or a graph input, needs nothing added.
        var existing = graph.Output.Select(o => o.Name).Concat(graph.Input.Select(i => i.Name)).ToHashSet(StringComparer.Ordinal);
        Names = valueNames.ToList();
        foreach (var name in Names)
        {
            if (existing.Contains(name)) continue;
            graph.Output.Add(new ValueInfoProto { Name = name });
            existing.Add(name);
        }
        var bytes = model.HasExternalData ? null : proto.ToByteArray();
        if (bytes is null)
            throw new CondenseException($"{model.Source}: capturing values of a model with external data is not supported; load it into memory first");
        runner = new OnnxRuntimeRunner(bytes, model.Source, threads);
    }

    /// <summary>The captured value names, in the order given.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The model's own outputs come first in every run; this many.</summary>
    public int ModelOutputCount => firstCaptured;

    /// <summary>Runs one input set and returns every captured value by name (the model's outputs included).</summary>
    public IReadOnlyDictionary<string, TensorProto> Run(IReadOnlyList<TensorProto> inputs)
    {
        var outputs = runner.Run(inputs);
        var byName = new Dictionary<string, TensorProto>(StringComparer.Ordinal);
        foreach (var o in outputs) byName.TryAdd(o.Name, o);
        foreach (var i in inputs.Where(i => Names.Contains(i.Name))) byName.TryAdd(i.Name, i);
        return byName;
    }

    public void Dispose() => runner.Dispose();
}
