using Condense.Formats;
using Condense.Formats.Onnx;
using Google.Protobuf;
using Condense.Models;
using Condense.Quantization;
using Condense.Studio.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 7 (Your model): a safetensors upload read in memory by the library's
/// <see cref="SafetensorsReader"/> (the same code and checks as a file on disk), analysed tensor by
/// tensor, and compressed by weight sharing into a download built in memory in Condense's k-means
/// layout (<see cref="QuantizedModelFile"/>).
/// </summary>
internal static class ModelPage
{
    /// <summary>Tensors with fewer elements than this (biases, norms) are kept as they are.</summary>
    public const int MinSharedElements = 256;

    /// <summary>The order the downloads are built ahead in: the slider's opening 4 bits, then its neighbours outwards.</summary>
    public static IReadOnlyList<int> BitsOrder { get; } = [4, 3, 5, 2, 6, 1, 7, 8];

    public sealed record LayerInfo(string Name, string Dtype, long[] Shape, long Elements, double Min, double Max, double Mean, double Std, double? Cond1);

    public sealed record Analysis(string Id, string Name, string Format, int Tensors, long Parameters, long Bytes, IReadOnlyList<LayerInfo> Layers);

    sealed record Upload(string Name, IReadOnlyList<NamedTensor> Tensors, IReadOnlyDictionary<string, string> Metadata, OnnxModel? Onnx = null);

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/model/upload", async (HttpContext context, string? name, UploadStore store, StudioOptions options, ResultCache cache) =>
        {
            var bytes = await RequestBody.ReadAsync(context, options.MaxUploadBytes);
            return Register(bytes, SafeName(name), store, options, cache);
        });
        // What the page opens on: a seeded (untrained) LeNet-300-100 made here, handled as an upload.
        app.MapPost("/api/model/sample", (UploadStore store, StudioOptions options, ResultCache cache) =>
        {
            var bytes = cache.GetOrCompute("model/sample", () =>
            {
                using var model = Condense.Models.ModelFactory.Create(Condense.Models.ModelKind.LeNet300, options.Seed);
                using var memory = new MemoryStream();
                SafetensorsWriter.Write(memory, Condense.Models.ModelFile.Weights(model));
                return memory.ToArray();
            });
            var name = $"sample-lenet300-100-seed{options.Seed}.safetensors";
            // Registered once and reused while the store keeps it (each visit would otherwise build its 8 files again).
            var kept = cache.GetOrCompute("model/sample/analysis", () => Register(bytes, name, store, options, cache));
            return store.TryGet<Upload>(kept.Id, out _) ? kept : Register(bytes, name, store, options, cache);
        });
        app.MapGet("/api/model/{id}/progress", (string id, UploadStore store, ResultCache cache) =>
        {
            if (!store.TryGet<Upload>(id, out _)) throw new CondenseException("that upload is no longer kept; upload the file again");
            return new { built = BitsOrder.Count(b => cache.Contains<byte[]>($"model/{id}/{b}")), total = BitsOrder.Count };
        });
        app.MapGet("/api/model/{id}/compressed", (string id, int bits, UploadStore store, ResultCache cache) =>
        {
            if (bits is < 1 or > 8) throw new CondenseException($"bits must be in 1…8, got {bits}");
            if (!store.TryGet<Upload>(id, out var upload)) throw new CondenseException("that upload is no longer kept; upload the file again");
            var bytes = cache.GetOrCompute($"model/{id}/{bits}", () => Compress(upload, bits));
            var stem = Path.GetFileNameWithoutExtension(upload.Name);
            return Results.File(bytes, "application/octet-stream", $"{stem}.{bits}bit{(upload.Onnx is null ? ".safetensors" : ".onnx")}");
        });
    }

    static readonly SemaphoreSlim BuildingAhead = new(1);

    static Analysis Register(byte[] bytes, string name, UploadStore store, StudioOptions options, ResultCache cache)
    {
        var upload = Parse(bytes, name);
        var id = store.Add(upload);
        // Every bits' file is built ahead on a background thread (the slider's default 4 first),
        // so a download is a look-up; a request that comes first shares the computation.
        if (options.SolveAhead)
            _ = Task.Run(async () =>
            {
                // One upload's files at a time: several uploads in a row must not crowd out the requests.
                await BuildingAhead.WaitAsync();
                try
                {
                    foreach (var b in BitsOrder) cache.GetOrCompute($"model/{id}/{b}", () => Compress(upload, b));
                }
                finally
                {
                    BuildingAhead.Release();
                }
            });
        return Analyse(id, upload, bytes.LongLength);
    }

    /// <summary>A name for messages only: never used as a path.</summary>
    static string SafeName(string? name)
    {
        var s = string.IsNullOrWhiteSpace(name) ? "upload" : Path.GetFileName(name.Trim());
        s = new string(s.Where(c => !char.IsControl(c)).Take(80).ToArray());
        return s.Length == 0 ? "upload" : s;
    }

    static Upload Parse(byte[] bytes, string name)
    {
        if (name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
        {
            // Parsed from memory with external data refused (no directory): nothing is read from disk.
            var model = OnnxReader.Parse(bytes, name, directory: null);
            // Weights of control-flow bodies carry their graph's path: two If branches may both hold a "W".
            var parameters = model.Parameters
                .Select(p => (Name: p.GraphPath.Length > 0 ? $"{p.GraphPath}/{p.Name}" : p.Name, p))
                .Select(x => OnnxTensorData.IsFloat(x.p.Tensor.DataType)
                    ? NamedTensor.FromFloat32(x.Name, OnnxTensorData.ToFloat32(x.p.Tensor), x.p.Shape)
                    : new NamedTensor(x.Name, TensorDType.U8, [0], []))
                .ToList();
            if (parameters.Count == 0) throw new InvalidFileException(name, "the model has no weights to compress");
            return new Upload(name, parameters, new Dictionary<string, string>(), model);
        }
        var (tensors, metadata) = SafetensorsReader.ReadAll(bytes, name);
        if (tensors.Count == 0) throw new InvalidFileException(name, "the file holds no tensors");
        return new Upload(name, tensors, metadata);
    }

    static Analysis Analyse(string id, Upload upload, long bytes)
    {
        var layers = new List<LayerInfo>();
        foreach (var t in upload.Tensors)
        {
            if (!t.DType.IsFloat() || t.ElementCount == 0)
            {
                layers.Add(new LayerInfo(t.Name, t.DType.ToSafetensorsName(), t.Shape, t.ElementCount, double.NaN, double.NaN, double.NaN, double.NaN, null));
                continue;
            }
            var v = t.ToFloat32();
            double min = double.PositiveInfinity, max = double.NegativeInfinity, sum = 0, sq = 0;
            foreach (var x in v)
            {
                min = Math.Min(min, x);
                max = Math.Max(max, x);
                sum += x;
                sq += (double)x * x;
            }
            var mean = sum / v.Length;
            var std = Math.Sqrt(Math.Max(0, sq / v.Length - mean * mean));
            layers.Add(new LayerInfo(t.Name, t.DType.ToSafetensorsName(), t.Shape, t.ElementCount, min, max, mean, std, Cond1(t, v)));
        }
        return new Analysis(id, upload.Name, upload.Onnx is null ? "safetensors" : "ONNX", upload.Tensors.Count, upload.Tensors.Sum(t => t.ElementCount), bytes, layers);
    }

    static double? Cond1(NamedTensor t, float[] values) => null;

    /// <summary>
    /// Every float tensor of at least <see cref="MinSharedElements"/> elements is weight-shared by
    /// the library's k-means codec and stored in Condense's one k-means layout
    /// (<see cref="QuantizedModelFile"/>: <c>name.codebook</c> and bit-packed <c>name.indices</c>,
    /// described in the <c>condense.quantization</c> metadata); smaller tensors are copied.
    /// </summary>
    static byte[] Compress(Upload upload, int bits)
    {
        if (upload.Onnx is { } onnx)
            return OnnxCompressor.Compress(onnx, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, bits)).Model.ToByteArray();
        var quantizer = new WeightSharingQuantizer(new WeightSharingOptions(bits));
        var quantized = upload.Tensors
            .Where(t => t.DType.IsFloat() && t.ElementCount >= MinSharedElements)
            .Select(t => new QuantizedParameter(t.Name, quantizer.Quantize(t.ToFloat32(), t.Shape), null))
            .ToList();
        using var memory = new MemoryStream();
        QuantizedModelFile.Write(memory, upload.Tensors, quantized, upload.Metadata);
        return memory.ToArray();
    }
}
