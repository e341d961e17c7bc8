using Condense.Formats.DataFiles;
using Condense.Formats.Npy;
using Condense.Formats.Onnx;
using Condense.Runtime;
using Onnx;

namespace Condense.Calibration;

/// <summary>
/// Resolves a <see cref="DataSpec"/> against a model: recognises the data by content (a folder of
/// photos, a file of sentences, a <c>.npy</c> or <c>.npz</c>; none = seeded random), builds
/// batch-1 samples for exactly the model's inputs, splits them by source into calibration and
/// held out, and checks every sample against the inputs' types and fixed dims so a mismatch is
/// one line naming the data and the input, not an ONNX Runtime error later.
/// </summary>
public static class CalibrationDataLoader
{
    /// <summary>The most bytes of samples held in memory at once (calibration and held out together).</summary>
    public const long MaxSampleBytes = 4L << 30;

    /// <summary>Refuses a request whose samples would not fit <see cref="MaxSampleBytes"/>, before making any.</summary>
    public static void CheckMemory(long samples, long bytesPerSample, string source)
    {
        if (bytesPerSample > 0 && samples > MaxSampleBytes / bytesPerSample)
            throw new CondenseException($"{source}: {samples} samples of {bytesPerSample:N0} bytes exceed the {MaxSampleBytes >> 30} GiB limit for data in memory; lower --calibration-count");
    }

    /// <summary>The data <paramref name="spec"/> describes, for <paramref name="model"/>.</summary>
    public static CalibrationData Load(OnnxModel model, DataSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(spec);
        var inputs = ModelInputs.Of(model.Proto.Graph, spec.InputShapes, model.Source);
        if (spec.Path is null) return RandomCalibration.Build(inputs, spec);
        var data = DataFileSniffer.Sniff(spec.Path) switch
        {
            DataFileKind.ImageFolder => ImageCalibration.Build(inputs, spec, model.Source),
            DataFileKind.Sentences => TextCalibration.Build(inputs, spec, model.Source),
            DataFileKind.Npy => TensorCalibration.Build(inputs, spec, [NpyReader.Read(spec.Path)], true, model.Source),
            DataFileKind.Npz => TensorCalibration.Build(inputs, spec, NpzReader.Read(spec.Path), false, model.Source),
            _ => throw new CondenseException($"{spec.Path}: a single image; put photos in a folder and pass the folder"),
        };
        foreach (var sample in data.Calibration.Concat(data.HeldOut)) Check(sample, inputs, spec.Path);
        // Decoding and resampling photos leaves hundreds of MB of garbage (full-size pixels per
        // crop): freed here, before the model's own stages begin, or it is the floor of their peak.
        ProcessMemory.Release();
        return data;
    }

    /// <summary>Refuses a sample whose tensors do not match the model's inputs in name, type or fixed dims.</summary>
    public static void Check(IReadOnlyList<TensorProto> sample, IReadOnlyList<ModelInput> inputs, string source)
    {
        if (sample.Count != inputs.Count)
            throw new CondenseException($"{source}: a sample has {sample.Count} tensors, the model takes {inputs.Count} inputs");
        for (int i = 0; i < inputs.Count; i++)
        {
            var (t, input) = (sample[i], inputs[i]);
            if (t.Name != input.Name || (int)input.Type != t.DataType || !input.Accepts(t.Dims))
                throw new CondenseException($"{source}: the data gives '{t.Name}' {OnnxTensorData.TypeName(t.DataType)} {ModelInput.Shape(t.Dims)}, but the model's input is {input}");
        }
    }
}
