using Condense.Calibration;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Quantization;
using Condense.Workflows;
using Google.Protobuf;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 7's uniform downloads and the error beside each: an ONNX file is run in ONNX Runtime beside
/// its original (<see cref="OutputComparison"/>) on the held-out samples of the data uploaded for
/// it, or on seeded random inputs, said so; a safetensors file holds no graph to run, so its figure
/// is the weights' own error, said so.
/// </summary>
internal static class ModelDownloads
{
    /// <summary>Tensors with fewer elements than this (biases, norms) are kept as they are.</summary>
    public const int MinSharedElements = 256;

    /// <summary>Random inputs a figure is measured on when no data was uploaded.</summary>
    public const int RandomSamples = 8;

    /// <summary>A download's bytes, and for safetensors the weights' relative RMS error (known when it is built).</summary>
    public sealed record Built(byte[] File, double? WeightError);

    /// <summary>The figure shown beside a download: what was measured, on what, and a warning when it no longer behaves like the original.</summary>
    public sealed record Figure(string Kind, double Error, double? Cosine, double? Accuracy, double? OriginalAccuracy, int Samples,
        bool RandomInputs, string Note, string? Warning);

    /// <summary>
    /// Every float tensor of at least <see cref="MinSharedElements"/> elements becomes a U8 index
    /// tensor (same name and shape) plus a <c>name.codebook</c> F32 tensor of 2^bits entries;
    /// the metadata lists them (<c>condense.codebook.*</c>). Smaller tensors are copied. ONNX goes
    /// through <see cref="OnnxCompressor"/>.
    /// </summary>
    public static Built Compress(ModelUpload upload, int bits)
    {
        if (upload.Onnx is { } onnx)
            return new(OnnxCompressor.Compress(onnx, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, bits)).Model.ToByteArray(), null);
        var output = new List<NamedTensor>();
        var metadata = new Dictionary<string, string>(upload.Metadata, StringComparer.Ordinal)
        {
            ["condense.compression"] = "weight-sharing",
            ["condense.bits"] = bits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        double diff = 0, norm = 0;
        foreach (var t in upload.Tensors)
        {
            if (!t.DType.IsFloat() || t.ElementCount < MinSharedElements)
            {
                output.Add(t);
                continue;
            }
            var v = t.ToFloat32();
            var fit = KMeans1D.Fit(v, new KMeansOptions(1 << bits));
            var indices = new int[v.Length];
            KMeans1D.Assign(v, fit.Centroids, indices);
            var packed = new byte[v.Length];
            for (var i = 0; i < v.Length; i++)
            {
                packed[i] = (byte)indices[i];
                var d = v[i] - (double)(float)fit.Centroids[indices[i]];
                diff += d * d;
                norm += (double)v[i] * v[i];
            }
            output.Add(new NamedTensor(t.Name, TensorDType.U8, t.Shape, packed));
            output.Add(NamedTensor.FromFloat32(t.Name + ".codebook", fit.Centroids.Select(c => (float)c).ToArray(), fit.Centroids.Length));
            metadata["condense.codebook." + t.Name] = t.Name + ".codebook";
        }
        using var memory = new MemoryStream();
        SafetensorsWriter.Write(memory, output, metadata);
        return new(memory.ToArray(), norm > 0 ? Math.Sqrt(diff / norm) : 0);
    }

    /// <summary>The figure beside <paramref name="built"/>: measured now (ONNX Runtime) or read off the build (safetensors).</summary>
    public static Figure Measure(ModelUpload upload, Built built, StudioOptions options)
    {
        if (upload.Onnx is not { } onnx)
            return new("weights", built.WeightError ?? 0, null, null, null, 0, false,
                "weights only: ‖W − Q‖₂/‖W‖₂ over the shared tensors. A safetensors file holds no graph to run, so the model's output error cannot be measured here; export it to ONNX for that", null);
        var data = CalibrationDataLoader.Load(onnx, upload.Data is null
            ? new DataSpec(null, Count: RandomSamples, Seed: options.Seed)
            : ModelAnalysisJob.Spec(upload.Data, upload.Analysis?.Preprocess ?? "plain", ModelAnalysisJob.Shapes(onnx, upload.Analysis?.Shape), options.Seed));
        var compressed = OnnxReader.Parse(built.File, upload.Name).Proto;
        MeasuredError measured;
        try
        {
            measured = OutputComparison.Measure(onnx.Proto, compressed, upload.Name, data, upload.Data is null ? RandomSamples : ModelAnalysisJob.SensitivitySamples);
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException ex)
        {
            throw new CondenseException($"{upload.Name}: its error could not be measured: ONNX Runtime: {ex.Message.ReplaceLineEndings(" ")}");
        }
        var figure = Of(measured);
        return figure with { Note = ModelAnalysisJob.Rename(figure.Note, upload) };
    }

    public static Figure Of(MeasuredError m) =>
        new("output", m.Error, m.Cosine, m.Accuracy, m.OriginalAccuracy, m.Samples, m.RandomInputs, m.Note, m.Warning);
}
