using System.Runtime.InteropServices;
using Condense.Imaging;
using Condense.Studio.Bench;
using Condense.Studio.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Condense.Studio.Pages;

/// <summary>
/// Pages 1 (Sharing colours) and 2 (Measuring error): <see cref="ColorQuantizer"/> on a photo at
/// k colours, with the palette, every pixel's index and error, and the real indexed PNG's size.
/// </summary>
internal static class ColoursPage
{
    /// <summary>The largest E_i = Σ_c |x_ic − q_ic| a pixel can have (black against white).</summary>
    public const int MaxPossibleError = 3 * 255;

    /// <summary>k values of the error curve on page 2: powers of two, 1…256.</summary>
    public static readonly int[] CurveK = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    public sealed record Sizes(long Raw, long PaletteAndIndices, long Png);

    public sealed record Answer(
        int K, int Width, int Height, int[][] Palette, string Indices, string Errors,
        double MeanError, int MaxError, int MaxPossibleError, int DistinctColors, Sizes Sizes);

    public sealed record CurvePoint(int K, double MeanError, int PaletteSize);

    public static void AddServices(IServiceCollection services) => services.AddSingleton<ColourImages>();

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/colours/images", (ColourImages images) => images.Samples());
        app.MapGet("/api/colours/images/{id}/pixels", (string id, ColourImages images, ResultCache cache) =>
            cache.GetOrCompute($"colours/pixels/{id}", () =>
            {
                var image = images.Get(id);
                return new { width = image.Width, height = image.Height, rgb = Convert.ToBase64String(image.Pixels) };
            }));
        app.MapGet("/api/colours/quantize", (string image, int k, ColourImages images, ResultCache cache, StudioOptions options) =>
            Quantize(image, k, images, cache, options));
        app.MapGet("/api/colours/curve", (string image, ColourImages images, ResultCache cache, StudioOptions options) =>
            CurveK.AsParallel().AsOrdered().WithDegreeOfParallelism(2)
                .Select(k => Quantized(image, k, images, cache, options))
                .Select((q, i) => new CurvePoint(CurveK[i], q.MeanError, q.Palette.Count))
                .ToList());
        app.MapPost("/api/colours/upload", async (HttpContext context, ColourImages images, StudioOptions options) =>
        {
            var bytes = await RequestBody.ReadAsync(context, options.MaxUploadBytes);
            return images.Add(bytes, "upload");
        });
    }

    public static PageBench Bench(string imageId = "chelsea") => new(
        new BenchRequest($"/api/colours/images/{imageId}/pixels"),
        Enumerable.Range(1, 64).Select(i => new BenchRequest($"/api/colours/quantize?image={imageId}&k={i * 4}")).ToList());

    static QuantizedImage Quantized(string imageId, int k, ColourImages images, ResultCache cache, StudioOptions options)
    {
        if (k is < 1 or > 256) throw new CondenseException($"k must be in 1…256, got {k}");
        return cache.GetOrCompute($"colours/q/{imageId}/{k}", () =>
            new ColorQuantizer(new ColorQuantizerOptions { Colors = k, Seed = options.Seed }).Quantize(images.Get(imageId)));
    }

    internal static Answer Quantize(string imageId, int k, ColourImages images, ResultCache cache, StudioOptions options) =>
        cache.GetOrCompute($"colours/answer/{imageId}/{k}", () =>
        {
            var q = Quantized(imageId, k, images, cache, options);
            var errors = new float[q.Errors.Length];
            for (var i = 0; i < errors.Length; i++) errors[i] = q.Errors[i];
            var png = IndexedPngWriter.Encode(q).LongLength;
            return new Answer(
                k, q.Width, q.Height,
                q.Palette.Select(c => new[] { (int)c.R, c.G, c.B }).ToArray(),
                Convert.ToBase64String(q.Indices),
                Convert.ToBase64String(MemoryMarshal.AsBytes(errors.AsSpan())),
                q.MeanError, q.MaxError, MaxPossibleError, q.DistinctColors,
                new Sizes(q.Sizes.RawRgbBytes, q.Sizes.PackedBytes, png));
        });
}
