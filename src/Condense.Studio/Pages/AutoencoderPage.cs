using System.Text.Json;
using Condense.Models;
using Microsoft.AspNetCore.Builder;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 4 (Autoencoder): a drawn or test digit through the trained autoencoder whose weights are
/// shared at the slider's bits, with the MSE, per-layer figures and the model's size per bits.
/// </summary>
internal static class AutoencoderPage
{
    public sealed record Digit(int Index, int Label, float[] Pixels);

    public sealed record ReconstructRequest(float[]? Pixels, int Bits, bool Biases = false);

    public sealed record SizeAt(int Bits, long Bytes);

    /// <summary>
    /// <see cref="Reconstruction"/> and <see cref="Mse"/> are for the variant asked for (biases shared
    /// or kept); <see cref="MseWeightsOnly"/> and <see cref="MseBiasesShared"/> give both, so the
    /// page shows the difference.
    /// </summary>
    public sealed record Answer(int Bits, bool Biases, float[] Reconstruction, double Mse, double MseFull, double MseWeightsOnly, double MseBiasesShared,
        IReadOnlyList<AutoencoderService.Layer> Layers, IReadOnlyList<SizeAt> Sizes);

    public static void Map(WebApplication app)
    {
        app.MapGet("/api/autoencoder/status", (AutoencoderService service) => service.GetStatus());
        // The test digits do not wait for the model: the page shows one on arrival.
        app.MapGet("/api/autoencoder/digit", (int index) =>
        {
            var test = TestDigits.Value;
            if (index < 0 || index >= test.Count) throw new CondenseException($"digit index must be in 0…{test.Count - 1}, got {index}");
            return new Digit(index, test.Labels[index], test.Images.AsSpan(index * test.Features, test.Features).ToArray());
        });
        app.MapPost("/api/autoencoder/reconstruct", async (ReconstructRequest request, AutoencoderService service, CancellationToken token) =>
        {
            var pixels = request.Pixels ?? throw new CondenseException("the request has no pixels");
            if (pixels.Length != 784) throw new CondenseException($"a digit has 784 pixels (28×28), got {pixels.Length}");
            var input = pixels.Select(p => float.IsFinite(p) ? Math.Clamp(p, 0f, 1f) : 0f).ToArray();
            var weightsOnly = await service.QuantizedAsync(request.Bits, false, token);
            var withBiases = await service.QuantizedAsync(request.Bits, true, token);
            var (full, _) = await service.ReadyAsync(token);
            var a = Predict(weightsOnly.Model, input);
            var b = Predict(withBiases.Model, input);
            var fullReconstruction = Predict(full, input);
            var (mseA, mseB) = (Mse(input, a), Mse(input, b));
            return new Answer(request.Bits, request.Biases, request.Biases ? b : a, request.Biases ? mseB : mseA, Mse(input, fullReconstruction), mseA, mseB,
                (request.Biases ? withBiases : weightsOnly).Layers, Sizes(full, request.Biases));
        });
    }


    static readonly Lazy<Condense.Data.Dataset> TestDigits = new(() => Condense.Data.DataSets.Load(Condense.Data.DataSets.Mnist10k).Test);

    static float[] Predict(MlpModel model, float[] input)
    {
        // Evaluator.Predict switches the module to eval mode and back: one caller at a time.
        lock (model) return Evaluator.Predict(model, input, 1, input.Length);
    }

    static double Mse(float[] a, float[] b)
    {
        double sum = 0;
        for (var i = 0; i < a.Length; i++) sum += (double)(a[i] - b[i]) * (a[i] - b[i]);
        return sum / a.Length;
    }

    /// <summary>
    /// Bytes of the model stored with shared weights: b bits an index for every weight, a 2^b-entry
    /// F32 codebook per layer, biases kept as F32 (or, shared too, b bits an index); at 32 bits, plain F32.
    /// </summary>
    static IReadOnlyList<SizeAt> Sizes(MlpModel model, bool biasesShared)
    {
        var layers = model.Layers.Select(l => (Weights: l.Layer.weight!.numel(), Biases: l.Layer.bias?.numel() ?? 0)).ToList();
        var sizes = new List<SizeAt>();
        foreach (var bits in new[] { 1, 2, 3, 4, 5, 6, 7, 8, 32 })
        {
            long bytes = 0;
            foreach (var (weights, biases) in layers)
                bytes += bits == 32 ? 4 * (weights + biases)
                    : biasesShared ? (bits * (weights + biases) + 7) / 8 + 4L * (1 << bits)
                    : (bits * weights + 7) / 8 + 4L * (1 << bits) + 4 * biases;
            sizes.Add(new SizeAt(bits, bytes));
        }
        return sizes;
    }
}
