using Condense.Imaging;
using Condense.Studio.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Condense.Studio.Pages;

/// <summary>
/// Pages 1 (Sharing colours) and 2 (Measuring error): <see cref="ColorQuantizer"/> on a photo at
/// k colours, with the palette, every pixel's index and error, and the real indexed PNG's size.
/// </summary>
internal static class ColorsPage
{
    /// <summary>The largest E_i = Σ_c |x_ic − q_ic| a pixel can have (black against white).</summary>
    public const int MaxPossibleError = 3 * 255;

    /// <summary>k values of the error curve on page 2: powers of two, 1…256.</summary>
    public static readonly int[] CurveK = [1, 2, 4, 8, 16, 32, 64, 128, 256];

    public sealed record Sizes(long Raw, long PaletteAndIndices, long Png);

    /// <summary>
    /// One slider step's answer. <c>Png</c> is the real indexed PNG (base64) whose size page 1
    /// reports: the browser draws it and reads each pixel's index back through the palette, and
    /// page 2 computes E_i from it and the original pixels. <c>Solved</c>: k values of this photo
    /// solved so far (the background solving's progress).
    /// </summary>
    public sealed record Answer(
        int K, int Width, int Height, int[][] Palette, string Png,
        double MeanError, int MaxError, int MaxPossibleError, int DistinctColors, Sizes Sizes, int Solved);

    public sealed record CurvePoint(int K, double MeanError, int PaletteSize);

    public static void AddServices(IServiceCollection services)
    {
        services.AddSingleton<ColorImages>();
        services.AddSingleton<ColorSolutions>();
        services.AddHostedService(sp => sp.GetRequiredService<ColorSolutions>());
    }

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/colours/images", (ColorImages images) => images.Samples());
        app.MapGet("/api/colours/images/{id}/pixels", (string id, ColorImages images, ResultCache cache) =>
            cache.GetOrCompute($"colours/pixels/{id}", () =>
            {
                var image = images.Get(id);
                return new { width = image.Width, height = image.Height, rgb = Convert.ToBase64String(image.Pixels) };
            }));
        app.MapGet("/api/colours/quantize", (string image, int k, ColorSolutions solutions) => Quantize(image, k, solutions));
        app.MapGet("/api/colours/progress", (string image, ColorSolutions solutions) => solutions.GetProgress(image));
        // With solving ahead the curve answers at once with the k solved so far (the background
        // solves the curve's k first once the photo is viewed) and the page asks again until all
        // are there; without it, every k is solved here.
        app.MapGet("/api/colours/curve", (string image, ColorSolutions solutions, StudioOptions options) =>
        {
            if (options.SolveAhead)
            {
                solutions.Follow(image);
                return CurveK.Select(k => (k, q: solutions.TryGet(image, k))).Where(x => x.q is not null)
                    .Select(x => new CurvePoint(x.k, x.q!.MeanError, x.q.Palette.Length)).ToList();
            }
            return CurveK.AsParallel().AsOrdered().WithDegreeOfParallelism(2)
                .Select(k => solutions.Get(image, k))
                .Select((q, i) => new CurvePoint(CurveK[i], q.MeanError, q.Palette.Length))
                .ToList();
        });
        app.MapPost("/api/colours/upload", async (HttpContext context, ColorImages images, ColorSolutions solutions, StudioOptions options) =>
        {
            var bytes = await RequestBody.ReadAsync(context, options.MaxUploadBytes);
            var info = images.Add(bytes, "upload");
            solutions.Follow(info.Id);
            return info;
        });
    }

    internal static Answer Quantize(string imageId, int k, ColorSolutions solutions)
    {
        var q = solutions.Get(imageId, k);
        solutions.Follow(imageId);
        return new Answer(
            k, q.Width, q.Height,
            q.Palette.Select(c => new[] { (int)c.R, c.G, c.B }).ToArray(),
            Convert.ToBase64String(q.Png),
            q.MeanError, q.MaxError, MaxPossibleError, q.DistinctColors,
            new Sizes(q.RawBytes, q.PackedBytes, q.Png.LongLength),
            solutions.GetProgress(imageId).Solved);
    }
}
