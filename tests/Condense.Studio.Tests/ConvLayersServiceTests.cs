using System.Globalization;
using System.Net;
using System.Text.Json;
using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning.Slimming;
using Condense.Studio.Pages;
using Microsoft.Extensions.DependencyInjection;

namespace Condense.Studio.Tests;

/// <summary>
/// Page 8's service at every slider step: the invariants of slimming (parameters and MACs fall
/// strictly as p grows, every layer keeps a channel, p = 0 is the unpruned network), the kept
/// counts recounted from the |γ| the page shows, and the accuracy of the physically smaller
/// network against the trained one with the removed channels masked (the same function).
/// </summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class ConvLayersServiceTests(StudioFixture studio, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public async Task Every_slider_step_shrinks_parameters_and_macs_and_p_zero_is_the_unpruned_network()
    {
        var service = studio.Services.GetRequiredService<ConvLayersService>();
        var network = await service.NetworkAsync(CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(15));
        Assert.Equal(8, network.Filters.Count);
        Assert.Equal(3, network.Filters.Size);
        Assert.Equal(8 * 9, network.Filters.Values.Length);
        Assert.Equal([8, 16, 16, 32, 32], network.Layers.Select(l => l.Channels));
        Assert.True(network.Accuracy > 0.9, $"the trained network's accuracy {network.Accuracy}");
        var all = network.Layers.Sum(l => l.Channels);

        var points = new List<ConvLayersService.Point>();
        foreach (var p in ConvLayersService.Fractions)
            points.Add((await service.AnswerAsync(p, CancellationToken.None)).Point);
        foreach (var q in points)
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"p = {q.Fraction:F2}: τ = {q.Threshold:F4}, {q.Config}, {q.Parameters:N0} params ({q.ParametersRemoved:P1} removed), {q.Macs:N0} MACs ({q.MacsRemoved:P1} removed), accuracy {q.Accuracy:P1}"));

        var zero = points[0];
        Assert.Equal(-1, zero.Threshold);
        Assert.Equal(network.Accuracy, zero.Accuracy);
        Assert.Equal(network.Parameters, zero.Parameters);
        Assert.Equal(network.Macs, zero.Macs);
        Assert.Equal(0, zero.MacsRemoved);
        Assert.Equal(network.Config, zero.Config);
        for (var i = 1; i < points.Count; i++)
        {
            Assert.True(points[i].Parameters < points[i - 1].Parameters, $"parameters at p = {points[i].Fraction}: {points[i].Parameters} ≥ {points[i - 1].Parameters}");
            Assert.True(points[i].Macs < points[i - 1].Macs, $"MACs at p = {points[i].Fraction}: {points[i].Macs} ≥ {points[i - 1].Macs}");
            Assert.True(points[i].Threshold >= points[i - 1].Threshold);
        }
        foreach (var point in points)
        {
            Assert.All(point.Layers, l => Assert.InRange(l.Kept, 1, l.Channels));
            // Recounted from the |γ| the page shows: a channel stays when |γ| > τ; a layer that would empty keeps its largest.
            foreach (var (layer, gammas) in point.Layers.Zip(network.Layers))
            {
                var above = Enumerable.Range(0, gammas.Channels).Where(c => gammas.Gammas[c] > point.Threshold).Select(c => (long)c).ToArray();
                var expected = above.Length > 0 ? above : [Array.IndexOf(gammas.Gammas, gammas.Gammas.Max())];
                Assert.Equal(expected, layer.Keep);
            }
            // At least the floor(p·N) smallest |γ| are gone, unless a layer's last channel was kept back.
            var removed = all - point.Layers.Sum(l => l.Kept);
            Assert.InRange(removed, (long)Math.Floor(point.Fraction * all + 1e-9) - network.Layers.Count, all);
            var counts = new Queue<long>(point.Layers.Select(l => l.Kept));
            Assert.Equal(string.Join(",", VggNet.Tokens(network.Config).Select(t => t == "M" ? "M" : counts.Dequeue().ToString(CultureInfo.InvariantCulture))), point.Config);
        }

        // The smaller network computes what the trained one computes with the removed channels' γ and β zeroed.
        var test = DataSets.Load(DataSets.Mnist10k).Test.Take(ConvLayersService.TestImages);
        foreach (var point in new[] { points[6], points[12], points[^1] })
        {
            var (model, _) = CnnModelFile.Load(service.ModelPath);
            using var net = (VggNet)model;
            VggSurgery.Mask(net, point.Layers.Select(l => l.Keep).ToList());
            Assert.Equal(Evaluator.Evaluate(net, test).Accuracy!.Value, point.Accuracy, 0.002);
        }

        // Moving back is a look-up: the same answer, and every step is listed as computed.
        var again = await service.AnswerAsync(0.3, CancellationToken.None);
        Assert.Same(points[6], again.Point);
        Assert.Equal(ConvLayersService.Fractions, again.Solved.Select(s => s.Fraction));
    }

    [Theory]
    [InlineData("0.95", "p (fraction of channels removed) must be in 0–0.9, got 0.95")]
    [InlineData("-0.05", "p (fraction of channels removed) must be in 0–0.9, got -0.05")]
    [InlineData("NaN", "p (fraction of channels removed) must be in 0–0.9, got NaN")]
    [InlineData("0.33", "p (fraction of channels removed) must be a multiple of 0.05, got 0.33")]
    public async Task A_p_off_the_slider_is_a_400_with_one_line(string p, string message)
    {
        using var response = await studio.Http.GetAsync($"/api/conv/slim?p={p}");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(message, body.RootElement.GetProperty("error").GetString());
    }
}
