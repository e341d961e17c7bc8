using Condense.Formats;
using Condense.Studio.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 7 (Your model): an upload streamed to a server-made file and recognised by content
/// (<see cref="ModelUpload"/>), listed tensor by tensor, and compressed by weight sharing into a
/// download whose measured error is shown beside it (<see cref="ModelDownloads"/>). ONNX models
/// also get the per-layer analysis and the budget planner (<see cref="ModelPlanPage"/>).
/// </summary>
internal static class ModelPage
{
    /// <summary>The order the downloads are built ahead in: the slider's opening 4 bits, then its neighbours outwards.</summary>
    public static IReadOnlyList<int> BitsOrder { get; } = [4, 3, 5, 2, 6, 1, 7, 8];

    public sealed record LayerInfo(string Name, string Dtype, long[] Shape, long Elements, double Min, double Max, double Mean, double Std);

    public sealed record Analysis(string Id, string Name, string Format, int Tensors, long Parameters, long Bytes, IReadOnlyList<LayerInfo> Layers);

    public static void Map(WebApplication app)
    {
        app.MapPost("/api/model/upload", async (HttpContext context, string? name, UploadStore store, UploadFolders folders, StudioOptions options, ResultCache cache) =>
        {
            var folder = folders.Create();
            try
            {
                var bytes = await RequestBody.SaveAsync(context, options.MaxUploadBytes, Path.Combine(folder, "model"));
                return Register(ModelUpload.Read(folder, SafeName(name)), bytes, store, options, cache);
            }
            catch
            {
                UploadFolders.Remove(folder);
                throw;
            }
        });
        // What the page opens on: a seeded (untrained) LeNet-300-100 made here, handled as an upload.
        app.MapPost("/api/model/sample", (UploadStore store, UploadFolders folders, StudioOptions options, ResultCache cache) =>
        {
            var name = $"sample-lenet300-100-seed{options.Seed}.safetensors";
            Analysis Make()
            {
                var folder = folders.Create();
                using (var model = Condense.Models.ModelFactory.Create(Condense.Models.ModelKind.LeNet300, options.Seed))
                    SafetensorsWriter.Write(Path.Combine(folder, "model"), Condense.Models.ModelFile.Weights(model));
                return Register(ModelUpload.Read(folder, name), new FileInfo(Path.Combine(folder, "model")).Length, store, options, cache);
            }
            // Registered once and reused while the store keeps it (each visit would otherwise build its 8 files again).
            var kept = cache.GetOrCompute("model/sample/analysis", Make);
            return store.TryGet<ModelUpload>(kept.Id, out _) ? kept : Make();
        });
        app.MapGet("/api/model/{id}/progress", (string id, UploadStore store, ResultCache cache) =>
        {
            Get(store, id);
            return new { built = BitsOrder.Count(b => cache.Contains<ModelDownloads.Built>($"model/{id}/{b}")), total = BitsOrder.Count };
        });
        app.MapGet("/api/model/{id}/compressed", (string id, int bits, UploadStore store, ResultCache cache) =>
        {
            var upload = Get(store, id);
            var built = cache.GetOrCompute($"model/{id}/{Bits(bits)}", () => ModelDownloads.Compress(upload, bits));
            var stem = Path.GetFileNameWithoutExtension(upload.Name);
            return Results.File(built.File, "application/octet-stream", $"{stem}.{bits}bit{(upload.Onnx is null ? ".safetensors" : ".onnx")}");
        });
        // The error beside each download: measured on the data uploaded for the model, else on random inputs (the figure says which).
        app.MapGet("/api/model/{id}/measured", (string id, int bits, UploadStore store, ResultCache cache, StudioOptions options) =>
        {
            var upload = Get(store, id);
            var built = cache.GetOrCompute($"model/{id}/{Bits(bits)}", () => ModelDownloads.Compress(upload, bits));
            return cache.GetOrCompute($"model/{id}/{bits}/figure/{upload.DataVersion}", () => ModelDownloads.Measure(upload, built, options));
        });
    }

    internal static ModelUpload Get(UploadStore store, string id) =>
        store.TryGet<ModelUpload>(id, out var upload) ? upload : throw new CondenseException("that upload is no longer kept; upload the file again");

    static int Bits(int bits) => bits is < 1 or > 8 ? throw new CondenseException($"bits must be in 1…8, got {bits}") : bits;

    static readonly SemaphoreSlim BuildingAhead = new(1);

    static Analysis Register(ModelUpload upload, long bytes, UploadStore store, StudioOptions options, ResultCache cache)
    {
        var id = store.Add(upload);
        // Every bits' file and its figure are built ahead on a background thread (the slider's default 4 first),
        // so a download is a look-up; a request that comes first shares the computation.
        if (options.SolveAhead)
            _ = Task.Run(async () =>
            {
                // One upload's files at a time: several uploads in a row must not crowd out the requests.
                await BuildingAhead.WaitAsync();
                try
                {
                    foreach (var b in BitsOrder)
                    {
                        if (!store.TryGet<ModelUpload>(id, out _)) return;
                        // Once the reader analyses the model, the analysis and the planner come first: the
                        // remaining uniform files are built when asked for, not ahead.
                        if (upload.Analysis is not null) return;
                        var built = cache.GetOrCompute($"model/{id}/{b}", () => ModelDownloads.Compress(upload, b));
                        var version = upload.DataVersion;
                        cache.GetOrCompute($"model/{id}/{b}/figure/{version}", () => ModelDownloads.Measure(upload, built, options));
                    }
                }
                catch (CondenseException) { } // a figure that cannot be measured is said so when the page asks for it
                finally
                {
                    BuildingAhead.Release();
                }
            });
        return Describe(id, upload, bytes);
    }

    /// <summary>A name for messages only: never used as a path.</summary>
    internal static string SafeName(string? name)
    {
        var s = string.IsNullOrWhiteSpace(name) ? "upload" : Path.GetFileName(name.Trim());
        s = new string(s.Where(c => !char.IsControl(c)).Take(80).ToArray());
        return s.Length == 0 ? "upload" : s;
    }

    static Analysis Describe(string id, ModelUpload upload, long bytes)
    {
        var layers = new List<LayerInfo>();
        foreach (var t in upload.Tensors)
        {
            if (!t.DType.IsFloat() || t.ElementCount == 0)
            {
                layers.Add(new LayerInfo(t.Name, t.DType.ToSafetensorsName(), t.Shape, t.ElementCount, double.NaN, double.NaN, double.NaN, double.NaN));
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
            layers.Add(new LayerInfo(t.Name, t.DType.ToSafetensorsName(), t.Shape, t.ElementCount, min, max, mean, std));
        }
        return new Analysis(id, upload.Name, upload.Onnx is null ? "safetensors" : "ONNX", upload.Tensors.Count, upload.Tensors.Sum(t => t.ElementCount), bytes, layers);
    }
}
