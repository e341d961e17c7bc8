using Condense.Pruning;
using Microsoft.AspNetCore.Builder;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 6 (Pruning): the trained classifier pruned by a method at every sparsity of the slider,
/// with the test accuracy and each layer's density (a layer with no weight left is collapsed).
/// Answers at once with what the background has solved (<see cref="PruningService"/>).
/// </summary>
internal static class PruningPage
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/pruning/status", (PruningService service) => service.GetStatus());
        app.MapGet("/api/pruning/methods", () => new
        {
            methods = PruningService.Methods.Select(m => m.Name()),
            sparsities = PruningService.Sparsities,
        });
        app.MapGet("/api/pruning", (string method, int? at, PruningService service, CancellationToken token) => service.AnswerAsync(method, at, token));
    }
}
