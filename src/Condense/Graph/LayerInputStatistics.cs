using System.Buffers;
using Condense.Formats.Onnx;
using Condense.Quantization.Gptq;
using Condense.Runtime;
using Onnx;

namespace Condense.Graph;

/// <summary>
/// H = Σ x xᵀ of every layer's input (per conv group, over im2col rows), gathered by running the
/// samples through ONNX Runtime one at a time with the layers' inputs exposed
/// (<see cref="ActivationCapture"/>). Memory: the accumulators (4·columns² bytes per layer and
/// group, stated by <see cref="Bytes"/>) plus one sample's activations.
/// </summary>
internal sealed class LayerInputStatistics : IDisposable
{
    readonly Dictionary<string, HessianAccumulator[]> byWeight;

    const long CollectEveryBytes = 256L << 20;

    LayerInputStatistics(Dictionary<string, HessianAccumulator[]> byWeight) => this.byWeight = byWeight;

    /// <summary>Samples seen.</summary>
    public int Samples { get; private set; }

    /// <summary>Bytes held by all accumulators.</summary>
    public long Bytes => byWeight.Values.SelectMany(a => a).Sum(a => a.Bytes);

    /// <summary>The accumulators of one layer (one per group).</summary>
    public IReadOnlyList<HessianAccumulator> Of(LinearLayer layer) => byWeight[layer.Weight];

    /// <summary>Runs every sample (a complete input set) and folds each layer's input into its H.</summary>
    /// <param name="model">The model (not modified).</param>
    /// <param name="layers">Layers from <see cref="LinearLayers.Find"/>.</param>
    /// <param name="samples">Input sets, enumerated once.</param>
    /// <param name="threads">ONNX Runtime threads.</param>
    /// <param name="keepRows">
    /// Whether a layer's rows are kept while fewer than its columns (see <see cref="HessianAccumulator(int, bool)"/>):
    /// true for statistics read through quadratic forms (held-out errors on few samples), false for
    /// statistics whose H is always formed (GPTQ's calibration), so that memory never holds rows and H at once.
    /// </param>
    public static LayerInputStatistics Gather(OnnxModel model, IReadOnlyList<LinearLayer> layers,
        IEnumerable<IReadOnlyList<TensorProto>> samples, int threads = 1, bool keepRows = true)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(samples);
        var stats = new LayerInputStatistics(layers.ToDictionary(l => l.Weight,
            l => Enumerable.Range(0, l.Groups).Select(_ => new HessianAccumulator(l.Columns, keepRows)).ToArray(), StringComparer.Ordinal));
        try
        {
            // The caller's previous pass (its garbage, the regions it committed) goes before this session is made on top.
            ProcessMemory.Release();
            using var capture = new ActivationCapture(model, layers.Select(l => l.Input).Distinct(StringComparer.Ordinal).ToList(), threads);
            ProcessMemory.Release(); // the model's copy and serialised bytes the session was made from
            var allocated = GC.GetTotalAllocatedBytes();
            var workers = ParallelWork.Workers(threads);
            // The next sample runs in ONNX Runtime while this one's rows are folded in, layers in parallel
            // (each layer has its own accumulators): two samples' activations at most are held.
            using var enumerator = samples.GetEnumerator();
            Task<IReadOnlyDictionary<string, TensorProto>>? next = Start(capture, enumerator);
            try
            {
                while (next is not null)
                {
                    var running = next;
                    next = Start(capture, enumerator);
                    stats.AddSample(layers, workers, running.GetAwaiter().GetResult());
                    // Samples leave tens of MB of activations and im2col rows on the large object heap;
                    // collected every 256 MB allocated, the resident set stays near the accumulators.
                    if (GC.GetTotalAllocatedBytes() - allocated > CollectEveryBytes)
                    {
                        ProcessMemory.Collect();
                        allocated = GC.GetTotalAllocatedBytes();
                    }
                }
                // The last images of stride-1 convs are summed here, layers in parallel, not one by one when H is read.
                using (StageTimes.Measure("XᵀX"))
                    ParallelWork.ForEach(layers, workers, layer => { foreach (var a in stats.byWeight[layer.Weight]) a.FlushImages(); });
            }
            finally
            {
                // A run still in flight when something failed must end before the session is disposed.
                try { next?.Wait(); }
                catch (AggregateException) { }
            }
            return stats;
        }
        catch
        {
            stats.Dispose();
            throw;
        }
    }

    void AddSample(IReadOnlyList<LinearLayer> layers, int workers, IReadOnlyDictionary<string, TensorProto> values)
    {
        ParallelWork.ForEach(layers, workers, layer => Add(layer, values[layer.Input]));
        Samples++;
    }

    static Task<IReadOnlyDictionary<string, TensorProto>>? Start(ActivationCapture capture, IEnumerator<IReadOnlyList<TensorProto>> samples)
    {
        if (!samples.MoveNext()) return null;
        var sample = samples.Current;
        return Task.Run(() =>
        {
            using (StageTimes.Measure("capture (ORT)")) return capture.Run(sample);
        });
    }

    void Add(LinearLayer layer, TensorProto input)
    {
        var x = OnnxTensorData.ToFloat32(input);
        var h = byWeight[layer.Weight];
        if (layer.Kind != LinearLayerKind.Conv)
        {
            if (input.Dims.Count == 0 || input.Dims[^1] != layer.Columns)
                throw new CondenseException($"{layer.Node}: its input [{string.Join(", ", input.Dims)}] does not end in {layer.Columns} features");
            using (StageTimes.Measure("XᵀX")) h[0].Add(x, x.Length / layer.Columns);
            return;
        }
        if (input.Dims.Count != 4) throw new CondenseException($"{layer.Node}: its input [{string.Join(", ", input.Dims)}] is not NCHW");
        int n = (int)input.Dims[0], c = (int)input.Dims[1], height = (int)input.Dims[2], width = (int)input.Dims[3];
        var g = LinearLayers.Geometry(layer, c, height, width);
        var image = c * height * width;
        if (layer.Groups == 1 && ConvolutionGram.Applies(g) && h[0].FormsMatrixWith((long)n * g.Patches))
        {
            // A stride-1 conv: H from shifted products of the images themselves, no im2col rows.
            using (StageTimes.Measure("XᵀX")) h[0].AddImages(x, n, g);
            return;
        }
        // One rented buffer for every image and group: Im2Col writes all of it, and the accumulator is done
        // with it when Add returns (it copies a short batch, multiplies a long one in place).
        var rows = ArrayPool<float>.Shared.Rent(checked(g.Patches * g.PatchSize));
        try
        {
            for (int i = 0; i < n; i++)
                for (int group = 0; group < layer.Groups; group++)
                {
                    using (StageTimes.Measure("im2col")) Im2Col.Patches(x.AsSpan(i * image, image), g, group, rows);
                    using (StageTimes.Measure("XᵀX")) h[group].AddPrefix(rows, g.Patches);
                }
        }
        finally { ArrayPool<float>.Shared.Return(rows); }
    }

    public void Dispose()
    {
        foreach (var a in byWeight.Values.SelectMany(a => a)) a.Dispose();
    }
}
