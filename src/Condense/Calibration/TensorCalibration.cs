using Condense.Formats.Npy;
using Condense.Formats.Onnx;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Calibration;

/// <summary>
/// Calibration data from NumPy arrays: a <c>.npy</c> feeds a model's only input, a <c>.npz</c> one
/// array per input name (plus an optional integer <c>labels</c> array). The first axis indexes
/// samples; each sample gets a batch axis of 1 when the array's rank is one less than the input's.
/// Types must match exactly and fixed dims must agree: nothing is converted silently.
/// </summary>
public static class TensorCalibration
{
    /// <summary>Names an <c>.npz</c> member may have to carry class labels instead of an input.</summary>
    public static readonly string[] LabelNames = ["labels", "label", "y"];

    /// <summary>Builds the data from <paramref name="arrays"/> (all of a .npz, or the one of a .npy).</summary>
    public static CalibrationData Build(IReadOnlyList<ModelInput> inputs, DataSpec spec, IReadOnlyList<NpyArray> arrays, bool single, string modelSource)
    {
        var path = spec.Path!;
        var byInput = new List<NpyArray>();
        NpyArray? labels = null;
        if (single)
        {
            if (inputs.Count != 1)
                throw new CondenseException($"{path}: a .npy feeds one input, but {modelSource} takes {inputs.Count}: {string.Join(", ", inputs.Select(i => i.Name))}; use a .npz with one array per input name");
            byInput.Add(arrays[0]);
        }
        else
        {
            foreach (var array in arrays)
            {
                if (inputs.Any(i => i.Name == array.Name)) continue;
                if (LabelNames.Contains(array.Name) && labels is null) { labels = array; continue; }
                throw new CondenseException($"{path}: array '{array.Name}' names no input of {modelSource} (its inputs: {string.Join(", ", inputs.Select(i => i.Name))})");
            }
            foreach (var input in inputs)
                byInput.Add(arrays.FirstOrDefault(a => a.Name == input.Name)
                    ?? throw new CondenseException($"{path}: no array for input {input} (the archive holds {string.Join(", ", arrays.Select(a => a.Name))})"));
        }
        long samples = -1;
        for (int k = 0; k < inputs.Count; k++)
        {
            var (input, array) = (inputs[k], byInput[k]);
            var what = single ? path : $"{path}: array '{array.Name}'";
            if (array.Type != input.Type)
                throw new CondenseException($"{what} is {OnnxTensorData.TypeName((int)array.Type)}, but input {input} takes {OnnxTensorData.TypeName((int)input.Type)}");
            if (array.Shape.Length < 1)
                throw new CondenseException($"{what} is a scalar; its first axis must count samples");
            var sample = SampleDims(array.Shape[1..], input);
            if (sample is null)
                throw new CondenseException($"{what} has shape {ModelInput.Shape(array.Shape)}: {array.Shape[0]} samples of {ModelInput.Shape(array.Shape[1..])}, which does not fit input {input}");
            if (samples >= 0 && array.Shape[0] != samples)
                throw new CondenseException($"{path}: arrays disagree on the number of samples ({samples} and {array.Shape[0]} in '{array.Name}')");
            samples = array.Shape[0];
        }
        if (samples == 0) throw new CondenseException($"{path}: the arrays hold no samples");
        int[]? labelValues = labels is null ? null : Labels(labels, samples, path);
        var n = (int)Math.Min(samples, int.MaxValue);
        var split = SourceSplit.Make(n, spec.Count, spec.HeldOutFraction, spec.Seed);
        IReadOnlyList<TensorProto> Sample(int row) => inputs.Select((input, k) =>
        {
            var array = byInput[k];
            var size = array.Data.Length / array.Shape[0];
            var dims = SampleDims(array.Shape[1..], input)!;
            return OnnxTensorData.Raw(input.Name, input.Type, array.Data.AsSpan((int)(row * size), (int)size).ToArray(), dims);
        }).ToList();
        var calibration = split.Calibration.Select(Sample).ToList();
        var heldOut = split.HeldOut.Select(Sample).ToList();
        var used = calibration.Count + heldOut.Count;
        var description = $"{used} {(used < n ? $"of {n} " : "")}samples in {path} ({calibration.Count} calibration, {heldOut.Count} held out)";
        return new CalibrationData(calibration, heldOut, description, false,
            labelValues is null ? null : split.Calibration.Select(i => labelValues[i]).ToList(),
            labelValues is null ? null : split.HeldOut.Select(i => labelValues[i]).ToList());
    }

    /// <summary>One sample's dims for <paramref name="input"/>: the array's own, or with a batch axis of 1 in front; null when neither fits.</summary>
    static long[]? SampleDims(long[] sample, ModelInput input)
    {
        long[] batched = [1, .. sample];
        if (input.Accepts(batched)) return batched;
        return input.Accepts(sample) ? sample : null;
    }

    static int[] Labels(NpyArray labels, long samples, string path)
    {
        if (labels.Shape.Length != 1 || labels.Shape[0] != samples)
            throw new CondenseException($"{path}: array '{labels.Name}' has shape {ModelInput.Shape(labels.Shape)}; labels need one integer per sample ({samples})");
        var size = labels.Type switch
        {
            DataType.Int64 or DataType.Uint64 => 8,
            DataType.Int32 or DataType.Uint32 => 4,
            DataType.Int16 or DataType.Uint16 => 2,
            DataType.Int8 or DataType.Uint8 => 1,
            _ => throw new CondenseException($"{path}: array '{labels.Name}' is {OnnxTensorData.TypeName((int)labels.Type)}; labels must be integers"),
        };
        var result = new int[samples];
        for (int i = 0; i < samples; i++)
        {
            var span = labels.Data.AsSpan(i * size, size);
            long v = size switch
            {
                8 => BitConverter.ToInt64(span),
                4 => labels.Type == DataType.Int32 ? BitConverter.ToInt32(span) : BitConverter.ToUInt32(span),
                2 => labels.Type == DataType.Int16 ? BitConverter.ToInt16(span) : BitConverter.ToUInt16(span),
                _ => labels.Type == DataType.Int8 ? (sbyte)span[0] : span[0],
            };
            if (v < 0 || v > int.MaxValue) throw new CondenseException($"{path}: label {v} of sample {i} is not a class index");
            result[i] = (int)v;
        }
        return result;
    }
}
