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
    public static IReadOnlyList<PageBench> All { get; } = [Colors(), Weights(), Autoencoder(), LowRank(), Pruning(), YourModel(), ConvLayers()];

    static string S(double x) => x.ToString("0.#", CultureInfo.InvariantCulture);

    /// <summary>
    /// Pages 1–2 on the bundled photo: open (images, pixels, k = 16, page 2's curve), wait until the
    /// background has solved every k, then every k = 1…256. The note gives the solve time of one k
    /// (what a step to an unsolved k would cost).
    /// </summary>
    static PageBench Colors()
    {
        const string image = ColorSolutions.DefaultImage;
        return new PageBench([1, 2], "1-2 colours", "k = 1…256",
            async (http, token) =>
            {
                await StudioBenchmark.SendAsync(http, new BenchRequest("/api/colours/images"), token);
                await StudioBenchmark.SendAsync(http, new BenchRequest($"/api/colours/images/{image}/pixels"), token);
                await StudioBenchmark.SendAsync(http, new BenchRequest($"/api/colours/quantize?image={image}&k=16"), token);
                await StudioBenchmark.SendAsync(http, new BenchRequest($"/api/colours/curve?image={image}"), token);
                await StudioBenchmark.PollAsync(http, $"/api/colours/progress?image={image}", j => j.GetProperty("solved").GetInt32() >= ColorSolutions.MaxK, token);
                return Enumerable.Range(1, ColorSolutions.MaxK).Select(k => new BenchRequest($"/api/colours/quantize?image={image}&k={k}")).ToList();
            },
            async (http, token) =>
            {
                var j = await StudioBenchmark.PollAsync(http, $"/api/colours/progress?image={image}", _ => true, token);
                var p95 = j.GetProperty("solveP95Milliseconds");
                return p95.ValueKind == JsonValueKind.Number
                    ? $"solving one k (k-means + PNG, background thread): p95 {S(p95.GetDouble())} ms"
                    : null;
            },
            "photo",
            (_, _) => Task.FromResult<IReadOnlyList<IReadOnlyList<BenchRequest>>>(
                new[] { "coffee", image, "coffee", image }.Select(id => (IReadOnlyList<BenchRequest>)
                [
                    new BenchRequest($"/api/colours/images/{id}/pixels"),
                    new BenchRequest($"/api/colours/quantize?image={id}&k=16"),
                    new BenchRequest($"/api/colours/curve?image={id}"),
                ]).ToList()));
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
        },
        Change: "distribution",
        ChangesAsync: (_, _) => Task.FromResult<IReadOnlyList<IReadOnlyList<BenchRequest>>>(
            WeightsPage.Distributions.Skip(1).Append(WeightsPage.Distributions[0])
                .Select(d => (IReadOnlyList<BenchRequest>)[new BenchRequest($"/api/weights?distribution={d}&bits=2")]).ToList()));

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
        },
        Change: "test digit",
        ChangesAsync: async (http, token) =>
        {
            var groups = new List<IReadOnlyList<BenchRequest>>();
            for (var index = 1; index <= 8; index++)
            {
                // The digit's pixels are needed for the second request: fetched here, the
                // reconstruction timed with the digit's own request below.
                using var response = await StudioBenchmark.SendRawAsync(http, new BenchRequest($"/api/autoencoder/digit?index={index}"), token);
                var pixels = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement.GetProperty("pixels")
                    .EnumerateArray().Select(p => p.GetSingle()).ToArray();
                groups.Add([new BenchRequest($"/api/autoencoder/digit?index={index}"),
                    new BenchRequest("/api/autoencoder/reconstruct", JsonSerializer.Serialize(new { pixels, bits = 4 }))]);
            }
            return groups;
        });

    /// <summary>
    /// Page 5: open (wait for the classifier, fc2's SVD and the accuracy at every rank, solved
    /// ahead; rank 32), then r = 40, 80, …, 1000: look-ups. The note times the randomized SVD's
    /// own request (one randomized SVD and one SVD of W − W̃ per new rank) at 10 ranks.
    /// </summary>
    static PageBench LowRank() => new([5], "5 low rank", "rank 40, 80, …, 1000",
        async (http, token) =>
        {
            var status = await StudioBenchmark.PollAsync(http, "/api/lowrank/status",
                j => j.GetProperty("ready").GetBoolean() && j.GetProperty("solved").GetInt32() >= j.GetProperty("maxRank").GetInt32(), token);
            var maxRank = status.GetProperty("maxRank").GetInt32();
            await StudioBenchmark.SendAsync(http, new BenchRequest("/api/lowrank?rank=32"), token);
            return Enumerable.Range(1, maxRank / 40).Select(i => new BenchRequest($"/api/lowrank?rank={i * 40}")).ToList();
        },
        async (http, token) =>
        {
            var times = new List<double>();
            foreach (var rank in new[] { 8, 16, 32, 64, 100, 200, 300, 500, 700, 1000 })
                times.Add(await StudioBenchmark.SendAsync(http, new BenchRequest($"/api/lowrank/randomized?rank={rank}"), token));
            return $"the randomized SVD's own request (shown when it arrives): p95 {S(StudioBenchmark.Percentile(times, 0.95))} ms over 10 new ranks";
        });

    /// <summary>
    /// Page 6: open (wait for the classifier and the default method's whole sweep); a step is the
    /// sparsity slider (answered in the browser once its point is solved; the bench sends the
    /// request the page sends while a point is pending), a change is a change of method, answered
    /// at once with the sparsities solved so far. The note tells when the background had every
    /// method at every sparsity.
    /// </summary>
    static PageBench Pruning()
    {
        var clock = new System.Diagnostics.Stopwatch();
        return new([6], "6 pruning", "sparsity (in the browser; the pending-point request)",
            async (http, token) =>
            {
                clock.Start();
                await StudioBenchmark.SendAsync(http, new BenchRequest("/api/pruning/methods"), token);
                await StudioBenchmark.PollAsync(http, "/api/pruning/status", j => j.GetProperty("ready").GetBoolean(), token);
                await StudioBenchmark.PollAsync(http, "/api/pruning?method=magnitude", j => j.GetProperty("done").GetInt32() >= j.GetProperty("total").GetInt32(), token);
                return Enumerable.Range(0, PruningService.Sparsities.Count).Select(i => new BenchRequest($"/api/pruning?method=magnitude&at={i}")).ToList();
            },
            async (http, token) =>
            {
                var j = await StudioBenchmark.PollAsync(http, "/api/pruning?method=magnitude", j => j.GetProperty("allDone").GetInt32() >= j.GetProperty("allTotal").GetInt32(), token);
                return $"every method × sparsity ({j.GetProperty("allTotal").GetInt32()}) solved in the background {S(clock.Elapsed.TotalSeconds)} s after the page opened";
            },
            "method",
            (_, _) => Task.FromResult<IReadOnlyList<IReadOnlyList<BenchRequest>>>(
                PruningService.Methods.Select(m => m.Name()).Where(m => m != "magnitude").Append("magnitude")
                    .Select(m => (IReadOnlyList<BenchRequest>)[new BenchRequest($"/api/pruning?method={Uri.EscapeDataString(m)}")]).ToList()));
    }

    /// <summary>
    /// Page 7: open = upload a seeded LeNet-300-100 as safetensors (1.1 MB; analysed on arrival),
    /// then "Compress and download" at bits 1…8 (k-means weight sharing of every matrix, the file
    /// built in memory).
    /// </summary>
    static PageBench YourModel() => new([7], "7 your model", "download at bits 1…8",
        async (http, token) =>
        {
            using var response = await StudioBenchmark.SendRawAsync(http, new BenchRequest("/api/model/upload?name=lenet300.safetensors", Bytes: LeNet(1)), token);
            var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(token)).RootElement.GetProperty("id").GetString()!;
            await StudioBenchmark.PollAsync(http, $"/api/model/{id}/progress", j => j.GetProperty("built").GetInt32() >= j.GetProperty("total").GetInt32(), token);
            return Enumerable.Range(1, 8).Select(b => new BenchRequest($"/api/model/{id}/compressed?bits={b}")).ToList();
        },
        Change: "model (upload)",
        ChangesAsync: (_, _) => Task.FromResult<IReadOnlyList<IReadOnlyList<BenchRequest>>>(
            Enumerable.Range(2, 4).Select(seed => (IReadOnlyList<BenchRequest>)
                [new BenchRequest($"/api/model/upload?name=lenet300-{seed}.safetensors", Bytes: LeNet(seed))]).ToList()));

    /// <summary>
    /// Page 8: open (wait for the trained VGG-BN and every slider step slimmed and evaluated on 1,000
    /// digits in the background; its filters and |γ|; p = 30 %), then p = 0, 5, …, 90 %: look-ups.
    /// </summary>
    static PageBench ConvLayers() => new([8], "8 conv layers", "p = 0, 5, …, 90 % of channels removed",
        async (http, token) =>
        {
            await StudioBenchmark.PollAsync(http, "/api/conv/status",
                j => j.GetProperty("ready").GetBoolean() && j.GetProperty("solved").GetInt32() >= j.GetProperty("total").GetInt32(), token);
            await StudioBenchmark.SendAsync(http, new BenchRequest("/api/conv/network"), token);
            await StudioBenchmark.SendAsync(http, new BenchRequest("/api/conv/slim?p=0.3"), token);
            return ConvLayersService.Fractions.Where(p => p != 0.3)
                .Select(p => new BenchRequest($"/api/conv/slim?p={p.ToString(CultureInfo.InvariantCulture)}")).ToList();
        });

    static byte[] LeNet(int seed)
    {
        using var model = ModelFactory.Create(ModelKind.LeNet300, seed);
        using var memory = new MemoryStream();
        SafetensorsWriter.Write(memory, ModelFile.Weights(model));
        return memory.ToArray();
    }
}
