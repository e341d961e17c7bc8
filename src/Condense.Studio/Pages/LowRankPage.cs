using Microsoft.AspNetCore.Builder;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 5 (Low rank): the trained classifier's fc2 cut to the slider's rank r by the truncated SVD
/// and by the randomized SVD: spectrum, effective rank, accuracy against rank, and both methods'
/// errors at r.
/// </summary>
internal static class LowRankPage
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/lowrank/status", (LowRankService service) => service.GetStatus());
        app.MapGet("/api/lowrank", (int rank, LowRankService service, CancellationToken token) => service.AnswerAsync(rank, token));
    }
}
