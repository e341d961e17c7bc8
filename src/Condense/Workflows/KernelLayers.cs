using Condense.Analysis;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Metrics;
using Condense.Runtime;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// Builds and measures the planner's kernel settings (<see cref="KernelSettings"/>): the chosen layers' nodes are
/// rewritten by the one writer each operator has — <see cref="WeightOnlyQuantizer"/> for MatMulNBits (with the
/// analysis' codes), <see cref="DynamicQuantizer"/> for dynamic int8 — before the compressor encodes the other layers,
/// and their error is measured with the real kernel, whose activation quantization the weight-swap session cannot see.
/// </summary>
internal static class KernelLayers
{
    /// <summary>
    /// A copy of <paramref name="model"/> with each weight of <paramref name="kernels"/> read by its kernel, and per weight
    /// rewritten a report whose bytes are the initializers its writer added (a weight the writer would not rewrite is
    /// left as it is and gets no report: the compressor reports it kept).
    /// </summary>
    public static (OnnxModel Model, IReadOnlyList<OnnxTensorReport> Reports) Rewrite(OnnxModel model, IReadOnlyDictionary<string, OnnxQuantizedMatrix> kernels)
    {
        var proto = model.Proto.Clone();
        var originals = proto.Graph.Initializer.Where(t => kernels.ContainsKey(t.Name)).ToDictionary(t => t.Name, StringComparer.Ordinal);
        var reports = new List<OnnxTensorReport>();
        // One weight at a time, so each one's new initializers are its own.
        foreach (var (name, encoding) in kernels.OrderBy(k => k.Key, StringComparer.Ordinal))
        {
            if (!originals.TryGetValue(name, out var original)) continue;
            var kernel = encoding.Kernel!;
            var before = proto.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
            var only = new HashSet<string>(StringComparer.Ordinal) { name };
            if (kernel.Operator == KernelOperator.MatMulNBits)
            {
                var codes = kernel.Codes!;
                WeightOnlyQuantizer.Quantize(proto, codes.Bits, codes.BlockSize, KernelSettings.AccuracyLevel, symmetric: false, embeddings: false,
                    (_, _, _, _) => codes, only);
            }
            else DynamicQuantizer.Quantize(proto, only, gemms: true);
            // Still read: the writer did not take this node (or another node shares the weight); the compressor reports it.
            if (proto.Graph.Initializer.Any(t => t.Name == name)) continue;
            var added = proto.Graph.Initializer.Where(t => !before.Contains(t.Name)).ToList();
            var values = OnnxTensorData.ToFloat32(original);
            var decoded = encoding.Decoded();
            reports.Add(new OnnxTensorReport(name, OnnxParameterSource.Initializer, [.. original.Dims], "float32", encoding.Label,
                original.CalculateSize(), added.Sum(t => (long)t.CalculateSize()),
                ErrorMetrics.MaxAbsoluteError(values, decoded), ErrorMetrics.RelativeRms(values, decoded)));
        }
        return (new OnnxModel(proto, model.Source, model.Directory), reports);
    }

    /// <summary>
    /// Replaces the weight-swap figures of every kernel setting in <paramref name="measured"/> (layer-major, as
    /// <see cref="OnnxAnalysis"/> lays them out) by the model built with the layer on the kernel and run in ONNX Runtime
    /// on the same (selection) samples. Uniform settings need no such step: they are built and run on the held-out
    /// samples as files anyway.
    /// </summary>
    public static void MeasureOnKernels(OnnxLayerCandidates candidates, (double Error, double Cosine, double? Accuracy)[] measured, int threads,
        Action<string> progress)
    {
        int layers = candidates.Layers.Count, perLayer = candidates.Settings.Count - 1;
        var kernelSettings = Enumerable.Range(1, perLayer).Where(s => candidates.Settings[s].OnKernel).ToList();
        if (kernelSettings.Count == 0) return;
        var work = kernelSettings.SelectMany(s => Enumerable.Range(0, layers).Where(l => candidates.Encodings[l][s] is not null).Select(l => (l, s))).ToList();
        progress($"measuring {kernelSettings.Count} kernel settings on their ONNX Runtime kernels: {work.Count} models");
        ParallelWork.ForEach(work, ParallelWork.Workers(threads), item =>
        {
            var (l, s) = item;
            var choice = new int[layers];
            choice[l] = s;
            var model = candidates.Compress(choice).Model;
            measured[l * perLayer + s - 1] = candidates.MeasureFileOnSelection(model, candidates.Model.Source, 1);
            ProcessMemory.Collect();
        });
    }
}
