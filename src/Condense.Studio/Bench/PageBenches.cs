using System.Globalization;
using System.Text.Json;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;
using Condense.Studio.Pages;

namespace Condense.Studio.Bench;

/// <summary>
/// Every page's benchmark: what its front end requests on opening (and the wait until it is
/// ready), then what one step of its control sends, in the order a reader would step.
/// </summary>
internal static class PageBenches
{
    public static IReadOnlyList<PageBench> All { get; } = [Colours(), Weights(), Autoencoder(), LowRank(), Pruning(), YourModel()];

    static string S(double x) => x.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>
    /// Pages 1–2 on the bundled photo: open (images, pixels, k = 16, page 2's curve), wait until the
    /// background has solved every k, then every k = 1…256. The note gives the solve time of one k
    /// (what a step to an unsolved k would cost).
    /// </summary>
    static PageBench Colours()
    {
        const string image = ColourSolutions.DefaultImage;
        return new PageBench([1, 2], "1-2 colours", "k = 1…256",
            async (http, token) =>
            {
                await StudioBenchmark.SendAsync(http, new BenchRequest("/api/colours/images"), token);
                await StudioBenchmark.SendAsync(http, new BenchRequest($"/api/colours/images/{image}/pixels"), token);
                await StudioBenchmark.SendAsync(http, new BenchRequest($"/api/colours/quantize?image={image}&k=16"), token);
                await StudioBenchmark.SendAsync(http, new BenchRequest($"/api/colours/curve?image={image}"), token);
                await StudioBenchmark.PollAsync(http, $"/api/colours/progress?image={image}", j => j.GetProperty("solved").GetInt32() >= ColourSolutions.MaxK, token);
                return Enumerable.Range(1, ColourSolutions.MaxK).Select(k => new BenchRequest($"/api/colours/quantize?image={image}&k={k}")).ToList();
            },
            async (http, token) =>
            {
                var j = await StudioBenchmark.PollAsync(http, $"/api/colours/progress?image={image}", _ => true, token);
                var p95 = j.GetProperty("solveP95Milliseconds");
                return p95.ValueKind == JsonValueKind.Number
                    ? $"solving one k (k-means + PNG, background thread): p95 {S(p95.GetDouble())} ms"
                    : null;
            });
    }

    /// <summary>
    /// Page 3: open (distributions, normal at 2 bits; wait until the background has computed every
    /// answer), then every distribution × bits 1…8.
    /// </summary>
    static PageBench Weights() => new([3], "3 weights", "distribution × bits 1…8",
        async (http, token) =>
        {
            await StudioBenchmark.SendAsync(http, new BenchRequest("/api/weights/distributions"), token);
            await StudioBenchmark.SendAsync(http, new BenchRequest("/api/weights?distribution=normal&bits=2"), token);
            await StudioBenchmark.PollAsync(http, "/api/weights/progress", j => j.GetProperty("done").GetInt32() >= j.GetProperty("total").GetInt32(), token);
            return WeightsPage.Distributions.SelectMany(d => Enumerable.Range(1, 8).Select(b => new BenchRequest($"/api/weights?distribution={d}&bits={b}"))).ToList();
        });

    /// <summary>Page 4: open (wait for the trained, weight-shared models; one test digit), then bits 1…8 on that digit.</summary>
    static PageBench Autoencoder() => new([4], "4 autoencoder", "bits 1…8, one test digit",
        async (http, token) =>
        {
            await StudioBenchmark.PollAsync(http, "/api/autoencoder/status", j => j.GetProperty("ready").GetBoolean(), token);
            using var response = await StudioBenchmark.SendRawAsync(http, new BenchRequest("/api/autoencoder/digit?index=0"), token);
            var digit = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement.GetProperty("pixels")
                .EnumerateArray().Select(p => p.GetSingle()).ToArray();
            BenchRequest At(int bits) => new("/api/autoencoder/reconstruct", JsonSerializer.Serialize(new { pixels = digit, bits }));
            await StudioBenchmark.SendAsync(http, At(4), token);
            return Enumerable.Range(1, 8).Select(At).ToList();
        });

    /// <summary>
    /// Page 5: open (wait for the classifier, fc2's SVD and the accuracy curve; rank 32), then
    /// r = 40, 80, …, 1000: each new rank evaluates the test set once and runs one randomized SVD.
    /// </summary>
    static PageBench LowRank() => new([5], "5 low rank", "rank 40, 80, …, 1000",
        async (http, token) =>
        {
            var status = await StudioBenchmark.PollAsync(http, "/api/lowrank/status", j => j.GetProperty("ready").GetBoolean(), token);
            var maxRank = status.GetProperty("maxRank").GetInt32();
            await StudioBenchmark.SendAsync(http, new BenchRequest("/api/lowrank?rank=32"), token);
            return Enumerable.Range(1, maxRank / 40).Select(i => new BenchRequest($"/api/lowrank?rank={i * 40}")).ToList();
        });

    /// <summary>
    /// Page 6: its sparsity slider is answered in the browser (a method's answer holds every
    /// sparsity), so a step here is a change of method: open (wait for the classifier; magnitude),
    /// then every other method. A method's first request prunes and evaluates at all 15 sparsities.
    /// </summary>
    static PageBench Pruning() => new([6], "6 pruning", "method (sparsity slider: in the browser)",
        async (http, token) =>
        {
            await StudioBenchmark.SendAsync(http, new BenchRequest("/api/pruning/methods"), token);
            await StudioBenchmark.PollAsync(http, "/api/pruning/status", j => j.GetProperty("ready").GetBoolean(), token);
            await StudioBenchmark.SendAsync(http, new BenchRequest("/api/pruning?method=magnitude"), token);
            return PruningService.Methods.Select(m => m.Name()).Where(m => m != "magnitude")
                .Select(m => new BenchRequest($"/api/pruning?method={Uri.EscapeDataString(m)}")).ToList();
        });

    /// <summary>
    /// Page 7: open = upload a seeded LeNet-300-100 as safetensors (1.1 MB; analysed on arrival),
    /// then "Compress and download" at bits 1…8 (k-means weight sharing of every matrix, the file
    /// built in memory).
    /// </summary>
    static PageBench YourModel() => new([7], "7 your model", "download at bits 1…8",
        async (http, token) =>
        {
            byte[] file;
            using (var model = ModelFactory.Create(ModelKind.LeNet300, seed: 1))
            using (var memory = new MemoryStream())
            {
                SafetensorsWriter.Write(memory, ModelFile.Weights(model));
                file = memory.ToArray();
            }
            using var response = await StudioBenchmark.SendRawAsync(http, new BenchRequest("/api/model/upload?name=lenet300.safetensors", Bytes: file), token);
            var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement.GetProperty("id").GetString()!;
            return Enumerable.Range(1, 8).Select(b => new BenchRequest($"/api/model/{id}/compressed?bits={b}")).ToList();
        });
}
