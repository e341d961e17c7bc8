using Condense.Calibration;
using Condense.Formats;
using Condense.Formats.Onnx;
using Condense.Models;
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
    /// Every float tensor of at least <see cref="MinSharedElements"/> elements is weight-shared by
    /// the library's k-means codec and stored in Condense's one k-means layout
    /// (<see cref="QuantizedModelFile"/>: <c>name.codebook</c> and bit-packed <c>name.indices</c>,
    /// described in the <c>condense.quantization</c> metadata); smaller tensors are copied. ONNX goes
    /// through <see cref="OnnxCompressor"/>.
    /// </summary>
    public static Built Compress(ModelUpload upload, int bits)
    {
        if (upload.Onnx is { } onnx)
            return new(OnnxCompressor.Compress(onnx, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, bits)).Model.ToByteArray(), null);
        var quantizer = new WeightSharingQuantizer(new WeightSharingOptions(bits));
        var quantized = new List<EncodedParameter>();
        double diff = 0, norm = 0;
        foreach (var t in upload.Tensors.Where(t => t.DType.IsFloat() && t.ElementCount >= MinSharedElements))
        {
            var v = t.ToFloat32();
            var shared = quantizer.EncodeParameter(t.Name, v, t.Shape);
            var decoded = shared.Reconstruct();
            for (var i = 0; i < v.Length; i++)
            {
                var d = v[i] - (double)decoded[i];
                diff += d * d;
                norm += (double)v[i] * v[i];
            }
            quantized.Add(shared);
        }
        using var memory = new MemoryStream();
        QuantizedModelFile.Write(memory, upload.Tensors, quantized, upload.Metadata);
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
