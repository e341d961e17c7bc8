using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Condense.Studio.Pages;

/// <summary>
/// The Studio's pages in reading order. A page whose library has not landed yet is listed with
/// <c>Available = false</c> and the front end shows it as "coming".
/// </summary>
internal static class StudioPages
{
    public sealed record PageInfo(string Id, int Number, string Title, bool Available);

    public static IReadOnlyList<PageInfo> All { get; } =
    [
        new("colours", 1, "Sharing colours", true),
        new("error", 2, "Measuring error", true),
        new("weights", 3, "Sharing weights", true),
        new("autoencoder", 4, "Autoencoder", true),
        new("lowrank", 5, "Low rank", true),
        new("pruning", 6, "Pruning", true),
        new("model", 7, "Your model", true),
        new("conv", 8, "Conv layers", true),
    ];

    public static void AddServices(IServiceCollection services, StudioOptions options)
    {
        services.AddSingleton<AutoencoderService>();
        services.AddSingleton<ClassifierService>();
        services.AddSingleton<LowRankService>();
        services.AddSingleton<PruningService>();
        services.AddSingleton<ConvLayersService>();
        ColorsPage.AddServices(services);
        services.AddSingleton<WeightsAhead>();
        services.AddHostedService(sp => sp.GetRequiredService<WeightsAhead>());
        services.AddHostedService<ModelsAhead>();
    }

    /// <summary>Each page's benchmark, in reading order (see <see cref="Bench.StudioBenchmark"/>).</summary>
    public static IReadOnlyList<Bench.PageBench> Benches() => Bench.PageBenches.All;

    public static void MapEndpoints(WebApplication app)
    {
        app.MapGet("/api/pages", () => All);
        app.MapGet("/api/health", () => new { status = "ok" });
        app.MapGet("/api/limits", (StudioOptions options) => new { maxUploadBytes = options.MaxUploadBytes });
        ColorsPage.Map(app);
        WeightsPage.Map(app);
        AutoencoderPage.Map(app);
        LowRankPage.Map(app);
        PruningPage.Map(app);
        ModelPage.Map(app);
        ModelPlanPage.Map(app);
        ConvLayersPage.Map(app);
        app.Map("/api/{**rest}", (HttpContext context) =>
            Results.Json(new Hosting.ErrorMiddleware.ErrorBody($"no endpoint {context.Request.Path.Value}"), statusCode: 404));
    }
}
