using Microsoft.AspNetCore.Builder;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 5 (Low rank): the trained classifier's fc2 cut to the slider's rank r by the truncated SVD
/// (spectrum, effective rank, accuracy against rank, errors at r: look-ups once solved ahead) and
/// by the randomized SVD (its own request, computed once per rank: the page shows its time).
/// </summary>
internal static class LowRankPage
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/lowrank/status", (LowRankService service) => service.GetStatus());
        app.MapGet("/api/lowrank", (int rank, LowRankService service, CancellationToken token) => service.AnswerAsync(rank, token));
        app.MapGet("/api/lowrank/randomized", (int rank, LowRankService service, CancellationToken token) => service.RandomizedAsync(rank, token));
    }
}
