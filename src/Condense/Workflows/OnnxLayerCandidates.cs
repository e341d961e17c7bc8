using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Graph;
using Condense.Runtime;
using Onnx;

namespace Condense.Workflows;

/// <summary>
/// What analysis leaves for the planner: the model, its layers, every layer's encoding under every
/// setting (null = float32) and its bytes in the file, and one ONNX Runtime session whose layer
/// weights are inputs, so any mix of settings is measured in one run per sample without writing a
/// model. Two disjoint sample sets: the <b>selection</b> samples (from the calibration samples,
/// <see cref="SelectionSplit"/>) that every figure the planner chooses from is measured on
/// (<see cref="Measure"/>, <see cref="MeasureAlone"/>), and the <b>held-out</b> samples that every
/// figure reported is measured on (<see cref="MeasureFile"/>: a built model itself, uniform settings
/// and plans alike), so a plan is never chosen on the samples its error is reported on.
/// </summary>
public sealed class OnnxLayerCandidates : IDisposable
{
    readonly OnnxWeightSwapSession session;
    readonly IReadOnlyList<float[]> original;
    readonly IReadOnlyList<IReadOnlyList<TensorProto>> samples;
    readonly IReadOnlyList<int>? labels;
    readonly IReadOnlyList<float[]> heldOutOriginal;
    readonly IReadOnlyList<int>? heldOutLabels;
    readonly object frontierLock = new();

    /// <summary>
    /// Per uniform choice (its settings' indices, joined), its built file's bytes and its error on the selection samples:
    /// the same at every budget, so a budget slider measures each once (<see cref="SelectionCheck"/>).
    /// </summary>
    internal System.Collections.Concurrent.ConcurrentDictionary<string, (long Bytes, double Error)> UniformOnSelection { get; } = new(StringComparer.Ordinal);
    IReadOnlyList<IReadOnlyDictionary<string, TensorProto>>? frontiers;

    internal OnnxLayerCandidates(OnnxModel model, IReadOnlyList<LinearLayer> layers, IReadOnlyList<QuantizationSetting> settings,
        OnnxQuantizedMatrix?[][] encodings, long[][] bytes, OnnxWeightSwapSession session,
        IReadOnlyList<IReadOnlyList<TensorProto>> samples, IReadOnlyList<int>? labels,
        IReadOnlyList<IReadOnlyList<TensorProto>> heldOut, IReadOnlyList<int>? heldOutLabels, int threads = 1)
    {
        Model = model;
        Layers = layers;
        Settings = settings;
        Encodings = encodings;
        Bytes = bytes;
        this.session = session;
        this.samples = samples;
        this.labels = labels;
        HeldOutInputs = heldOut;
        this.heldOutLabels = heldOutLabels;
        original = [.. Enumerable.Range(0, samples.Count).Select(i => HeldOutQuality.Compared(session.Run(i), samples[i]))];
        // The original file itself on the held-out samples, run as every reported file is (MeasureFile).
        heldOutOriginal = HeldOutQuality.Outputs(model.Proto, model.Source, heldOut, threads);
    }

    /// <summary>The model read (external data loaded).</summary>
    public OnnxModel Model { get; }

    /// <summary>The layers analysed.</summary>
    public IReadOnlyList<LinearLayer> Layers { get; }

    /// <summary>Settings; index 0 is float32.</summary>
    public IReadOnlyList<QuantizationSetting> Settings { get; }

    /// <summary>[layer][setting]: the encoding, null for float32 (and wherever no encoding is smaller).</summary>
    public OnnxQuantizedMatrix?[][] Encodings { get; }

    /// <summary>[layer][setting]: bytes of the weight in the written file.</summary>
    public long[][] Bytes { get; }

    /// <summary>The channel settings' groups and cuts, or null when none was analysed: a choice that cuts channels is built and measured through it.</summary>
    public OnnxChannelCuts? Channels { get; internal init; }

    /// <summary>The first selection sample: what latency is timed on.</summary>
    public IReadOnlyList<TensorProto> FirstSample => samples[0];

    /// <summary>The selection samples (calibration samples, none held out) every figure the planner chooses from is measured on.</summary>
    public IReadOnlyList<IReadOnlyList<TensorProto>> SelectionInputs => samples;

    /// <summary>The held-out samples every reported figure (<see cref="MeasureFile"/>) is measured on.</summary>
    public IReadOnlyList<IReadOnlyList<TensorProto>> HeldOutInputs { get; }

    /// <summary>Selection samples measured on.</summary>
    public int SelectionSamples => samples.Count;

    /// <summary>Held-out samples reported on.</summary>
    public int HeldOutSamples => HeldOutInputs.Count;

    /// <summary>The original's accuracy on the held-out samples, when labelled.</summary>
    public double? OriginalAccuracy => heldOutLabels is null ? null : HeldOutQuality.Accuracy(heldOutOriginal, heldOutLabels);

    /// <summary>The model's output with layer i at setting choice[i], against the original's, on the selection samples (for choosing, not reporting).</summary>
    public (double Error, double Cosine, double? Accuracy) Measure(IReadOnlyList<int> choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        // A cut changes shapes: the model itself runs, not the weight-swap session.
        if (Channels?.Compress(this, choice) is { } cut) return MeasureFileOnSelection(cut.Model, Model.Source);
        var replaced = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (int l = 0; l < Layers.Count; l++)
            if (Encodings[l][choice[l]] is { } e) replaced[Layers[l].Weight] = e.Decoded();
        var outputs = Enumerable.Range(0, samples.Count).Select(i => HeldOutQuality.Compared(session.Run(i, replaced), samples[i])).ToList();
        return Compare(outputs);
    }

    /// <summary>
    /// The model's output with layer <paramref name="layer"/> alone at each of <paramref name="settings"/>
    /// (every other layer float32), as <see cref="Measure"/> gives it, but from a session of the part of
    /// the model downstream of the layer (<see cref="OnnxSuffixSession"/>), compared with the original's
    /// output on the selection samples: only what the layer changes is recomputed. Falls back to
    /// <see cref="Measure"/> where the model cannot be cut (subgraphs). Thread-safe.
    /// </summary>
    public IReadOnlyList<(double Error, double Cosine, double? Accuracy)> MeasureAlone(int layer, IReadOnlyList<int> settings, int threads = 1)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (Channels is not null && settings.Any(s => Settings[s].ChannelPercent > 0))
        {
            // A channel setting is measured on its real cut (a model of its own, refit included); the others as usual.
            var other = settings.Where(s => Settings[s].ChannelPercent == 0).ToList();
            var measured = other.Count == 0 ? [] : MeasureAlone(layer, other, threads);
            return [.. settings.Select(s =>
            {
                if (Settings[s].ChannelPercent == 0) return measured[other.IndexOf(s)];
                var choice = new int[Layers.Count];
                choice[layer] = s;
                return Channels.Compress(this, choice) is { } cut ? MeasureFileOnSelection(cut.Model, Model.Source, threads) : Compare(original, original);
            })];
        }
        var weight = Layers[layer].Weight;
        using var suffix = OnnxSuffixSession.Frontier(Model.Proto, weight) is null ? null
            : OnnxSuffixSession.Create(Model.Proto, Model.Source, weight, Frontiers(threads), threads);
        if (suffix is null)
            return [.. settings.Select(s => { var choice = new int[Layers.Count]; choice[layer] = s; return Measure(choice); })];
        List<float[]> Outputs(float[] w) => [.. Enumerable.Range(0, samples.Count).Select(i => HeldOutQuality.Compared(suffix.Run(i, w), samples[i]))];
        // Against the whole model's own outputs, not a run of the part at the original weight (one run in nine fewer): the
        // part's float32 sums differ from the whole model's by rounding only (ResNet18's model errors moved by ≤ 1.4e-5 of
        // themselves). A layer left float32 under a setting is the original, exactly.
        return [.. settings.Select(s => Encodings[layer][s] is { } e ? Compare(Outputs(e.Decoded())) : Compare(original, original))];
    }

    // The values every layer's downstream part reads from the rest, captured once from the original on every sample.
    IReadOnlyList<IReadOnlyDictionary<string, TensorProto>> Frontiers(int threads)
    {
        lock (frontierLock)
        {
            if (frontiers is not null) return frontiers;
            var names = Layers.SelectMany(l => OnnxSuffixSession.Frontier(Model.Proto, l.Weight) ?? []).Distinct(StringComparer.Ordinal).ToList();
            using var capture = new ActivationCapture(Model, names, threads);
            frontiers = [.. samples.Select(s => capture.Run(s))];
            capture.Dispose();
            ProcessMemory.Release(); // the capture session and its serialised graph
            return frontiers;
        }
    }

    (double Error, double Cosine, double? Accuracy) Compare(IReadOnlyList<float[]> outputs) => Compare(outputs, original);

    (double Error, double Cosine, double? Accuracy) Compare(IReadOnlyList<float[]> outputs, IReadOnlyList<float[]> original) =>
        Compare(outputs, original, labels);

    /// <summary>Error (relative, √(Σ‖y − ŷ‖² / Σ‖y‖²)), mean cosine and accuracy (when labelled) of <paramref name="outputs"/> against <paramref name="original"/>, sample by sample.</summary>
    internal static (double Error, double Cosine, double? Accuracy) Compare(IReadOnlyList<float[]> outputs, IReadOnlyList<float[]> original, IReadOnlyList<int>? labels)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        double diff = 0, norm = 0;
        for (int i = 0; i < outputs.Count; i++)
            for (int j = 0; j < outputs[i].Length; j++)
            {
                double d = outputs[i][j] - original[i][j];
                diff += d * d;
                norm += (double)original[i][j] * original[i][j];
            }
        var error = norm > 0 ? Math.Sqrt(diff / norm) : Math.Sqrt(diff);
        return (error, HeldOutQuality.MeanCosine(original, outputs), labels is null ? null : HeldOutQuality.Accuracy(outputs, [.. labels.Take(outputs.Count)]));
    }

    /// <summary>
    /// Runs a built model itself (not the weight-swap session) on the <b>held-out</b> samples and compares it with the
    /// original file's outputs there: the figure reported beside a file (a plan, a uniform setting), the check before it leaves.
    /// </summary>
    public (double Error, double Cosine, double? Accuracy) MeasureFile(ModelProto model, string path, int threads = 1) =>
        Compare(HeldOutQuality.Outputs(model, path, HeldOutInputs, threads), heldOutOriginal, heldOutLabels);

    /// <summary>A built model itself on the selection samples: a figure to choose from (a channel cut, a kernel setting), never one to report.</summary>
    internal (double Error, double Cosine, double? Accuracy) MeasureFileOnSelection(ModelProto model, string path, int threads = 1) =>
        Compare(HeldOutQuality.Outputs(model, path, samples, threads));

    /// <summary>The model with layer i at setting choice[i] (every other tensor as it is), not yet verified or written.</summary>
    public OnnxCompressionResult Compress(IReadOnlyList<int> choice)
    {
        ArgumentNullException.ThrowIfNull(choice);
        if (Channels?.Compress(this, choice) is { } cut) return cut;
        var given = new Dictionary<string, OnnxQuantizedMatrix>(StringComparer.Ordinal);
        var kernels = new Dictionary<string, OnnxQuantizedMatrix>(StringComparer.Ordinal);
        for (int l = 0; l < Layers.Count; l++)
            if (Encodings[l][choice[l]] is { } e) (e.Kernel is null ? given : kernels)[Layers[l].Weight] = e;
        // Layers on ONNX Runtime kernels are rewritten by their operators' writers first; the compressor encodes the rest.
        var (source, kernelReports) = kernels.Count == 0 ? (Model, (IReadOnlyList<OnnxTensorReport>)[]) : KernelLayers.Rewrite(Model, kernels);
        var result = OnnxCompressor.Compress(source, new OnnxCompressionOptions(OnnxCompressionMethod.Linear, 8, MinSize: long.MaxValue), given);
        if (kernels.Count > 0)
            result = result with { Tensors = [.. result.Tensors, .. kernelReports], ModelBytesBefore = Model.FileBytes, ModelBytesAfter = result.Model.CalculateSize() };
        // Low-rank layers run as two thin products, not as a dense weight ONNX Runtime would fold back together.
        var lowRank = given.Where(g => g.Value.Left is not null).Select(g => g.Key).ToList();
        if (lowRank.Count == 0 || LowRankSplit.Apply(result.Model, lowRank) == 0) return result;
        return result with { ModelBytesAfter = result.Model.CalculateSize() };
    }

    /// <summary>Closes the ONNX Runtime session.</summary>
    public void Dispose()
    {
        session.Dispose();
        Channels?.Dispose();
    }
}
