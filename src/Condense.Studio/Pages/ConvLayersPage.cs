using Microsoft.AspNetCore.Builder;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 8 (Conv layers): a VGG-BN trained with network slimming's penalty: its first conv's
/// filters, every unit's BatchNorm scaling factors |γ|, and a slider p that removes the fraction p
/// of all channels at one global |γ| threshold, answered with the kept channels per layer,
/// parameters, MACs and test accuracy of the smaller network (<see cref="ConvLayersService"/>).
/// </summary>
internal static class ConvLayersPage
{
    public static void Map(WebApplication app)
    {
        app.MapGet("/api/conv/status", (ConvLayersService service) => service.GetStatus());
        app.MapGet("/api/conv/network", (ConvLayersService service, CancellationToken token) => service.NetworkAsync(token));
        app.MapGet("/api/conv/slim", (double p, ConvLayersService service, CancellationToken token) => service.AnswerAsync(p, token));
    }
}
