using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Condense.Calibration;
using Condense.Formats.Npy;
using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Studio.Pages;
using Deque.AxeCore.Playwright;
using Google.Protobuf;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>
/// Page 7's analysis and planner (issue 23): the trained MNIST classifier exported to ONNX and a zip
/// of MNIST digits uploaded through the browser, the per-layer chart, the budget slider, and the
/// planned file downloaded and run in ONNX Runtime here, its error recomputed against the figure shown.
/// </summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class ModelPlanPageTests(StudioFixture studio, Xunit.Abstractions.ITestOutputHelper output)
{
    readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    void Mark(string what) => output.WriteLine($"{clock.Elapsed.TotalSeconds,6:0.0} s {what}");

    const int Digits = 64;
    static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public async Task Classifier_and_data_zip_are_analysed_planned_to_a_budget_and_the_download_runs_with_the_error_shown()
    {
        var dir = Directory.CreateTempSubdirectory("condense-studio-plan").FullName;
        var (model, test) = await studio.Services.GetRequiredService<ClassifierService>().LoadCopy();
        var modelPath = Path.Combine(dir, "mnist-classifier.onnx");
        using (model) await File.WriteAllBytesAsync(modelPath, OnnxExporter.Export(model).ToByteArray());
        var npz = Path.Combine(dir, "mnist.npz");
        var zip = Path.Combine(dir, "mnist-digits.zip");
        WriteDigits(test, npz, zip);

        Mark("files written");
        var (page, errors) = await studio.OpenAsync("model");
        await page.GetByTestId("model-upload").SetInputFilesAsync(modelPath);
        await Assertions.Expect(page.GetByTestId("model-summary")).ToContainTextAsync("ONNX");
        // The uniform download's figure, before any data: from random inputs, and it says so.
        await Assertions.Expect(page.GetByTestId("measured")).ToHaveAttributeAsync("data-random", "true");
        await Assertions.Expect(page.GetByTestId("measured")).ToContainTextAsync("RANDOM INPUTS");

        Mark("random figure shown");
        await page.GetByTestId("data-upload").SetInputFilesAsync(zip);
        await Assertions.Expect(page.GetByTestId("data-summary")).ToContainTextAsync("mnist.npz");
        // With data, the uniform download's figure is measured on its held-out digits instead.
        await Assertions.Expect(page.GetByTestId("measured")).ToHaveAttributeAsync("data-random", "false");
        await Assertions.Expect(page.GetByTestId("measured")).ToContainTextAsync("accuracy");
        Mark("data uploaded");
        await page.GetByTestId("analyse").ClickAsync();
        await Assertions.Expect(page.GetByTestId("layer-chart")).ToBeVisibleAsync(new() { Timeout = 5 * 60_000 });
        await Assertions.Expect(page.GetByTestId("analysis-summary")).ToContainTextAsync("3 layers");
        await Assertions.Expect(page.GetByTestId("analysis-summary")).Not.ToContainTextAsync("RANDOM");
        Mark("analysed");
        // cond₁ is real: fc3's (10×1000) equals the library's, computed here.
        var fc3 = OnnxReader.Read(modelPath).Proto.Graph.Initializer.Single(i => i.Dims.SequenceEqual(new long[] { 1000, 10 }) || i.Dims.SequenceEqual(new long[] { 10, 1000 }));
        var fc3Row = page.GetByTestId("plan-layers").Locator("tbody tr").Filter(new() { HasText = "10×1000" });
        await Assertions.Expect(fc3Row).ToHaveCountAsync(1);
        var shownCond = double.Parse(await fc3Row.GetByTestId("cond1").InnerTextAsync(), CultureInfo.InvariantCulture);
        var w = OnnxTensorData.ToFloat32(fc3);
        var wRows = fc3.Dims[0] == 10 ? w : Transpose(w, (int)fc3.Dims[0], (int)fc3.Dims[1]);
        Assert.Equal(Condense.Metrics.ConditionNumber.OneNorm(wRows, 10, 1000), shownCond, shownCond * 1e-3);

        // The budget: down to a quarter of the way up from the smallest file (keys, as a reader would).
        var slider = page.GetByTestId("budget-slider");
        await slider.FocusAsync();
        await slider.PressAsync("Home");
        // PageUp moves a tenth of the range (20 steps): 2 of them and 10 arrow steps make 50 of 200.
        for (var i = 0; i < 2; i++) await slider.PressAsync("PageUp");
        for (var i = 0; i < 10; i++) await slider.PressAsync("ArrowRight");
        Assert.Equal("50", await slider.InputValueAsync());
        var budget = long.Parse((await page.GetByTestId("budget-value").GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);
        await Assertions.Expect(page.GetByTestId("plan-download")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex($"maxBytes={budget}$"));
        await Assertions.Expect(page.GetByTestId("plan-measured")).ToHaveAttributeAsync("data-random", "false");
        var shownError = double.Parse((await page.GetByTestId("plan-measured").GetAttributeAsync("data-error"))!, CultureInfo.InvariantCulture);
        await Assertions.Expect(page.GetByTestId("plan-measured")).ToContainTextAsync("held out");

        Mark("planned");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("plan-download").ClickAsync());
        Assert.EndsWith(".onnx", download.SuggestedFilename);
        var planned = Path.Combine(dir, download.SuggestedFilename);
        await download.SaveAsAsync(planned);
        Assert.InRange(new FileInfo(planned).Length, 1, budget);
        Assert.True(new FileInfo(planned).Length < new FileInfo(modelPath).Length / 3, "a budget a quarter of the way up the log range is well under the original");

        Mark("downloaded");
        // The download runs in ONNX Runtime; its error on the held-out digits the Studio measured on is the one shown.
        var data = CalibrationDataLoader.Load(OnnxReader.Read(modelPath), ModelAnalysisJob.Spec(new UploadedData.Resolved(npz, null, "npz"), "plain", null, studio.Options.Seed));
        var samples = data.HeldOut.Take(Math.Min(ModelAnalysisJob.SensitivitySamples, data.HeldOut.Count)).ToList();
        double diff = 0, norm = 0;
        using (var original = new InferenceSession(modelPath))
        using (var compressed = new InferenceSession(planned))
            foreach (var sample in samples)
            {
                var x = new DenseTensor<float>(OnnxTensorData.ToFloat32(sample[0]), [1, 784]);
                using var a = original.Run([NamedOnnxValue.CreateFromTensor(sample[0].Name, x)]);
                using var b = compressed.Run([NamedOnnxValue.CreateFromTensor(sample[0].Name, x)]);
                var ya = a.First().AsTensor<float>();
                var yb = b.First().AsTensor<float>();
                Assert.Equal([1, 10], yb.Dimensions.ToArray());
                for (var j = 0; j < 10; j++)
                {
                    diff += Math.Pow(ya[0, j] - yb[0, j], 2);
                    norm += Math.Pow(ya[0, j], 2);
                }
            }
        var recomputed = Math.Sqrt(diff / norm);
        Assert.True(recomputed > 0, "the plan at this budget quantizes something");
        Assert.Equal(recomputed, shownError, recomputed * 1e-3 + 1e-6);

        Mark("recomputed");
        var axe = await page.RunAxe();
        var serious = axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}").ToList();
        Assert.True(serious.Count == 0, string.Join("\n", serious));
        Mark("axe");
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "7-your-model-plan");
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task A_nameless_onnx_upload_is_read_as_onnx_and_a_misnamed_safetensors_as_safetensors()
    {
        using var lenet = ModelFactory.Create(ModelKind.LeNet300, seed: 3);
        var onnx = OnnxExporter.Export(lenet).ToByteArray();
        using (var response = await studio.Http.PostAsync("/api/model/upload", new ByteArrayContent(onnx)))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Web);
            Assert.Equal("ONNX", body.GetProperty("format").GetString());
            // Its download's error is measured in ONNX Runtime on random inputs, and says so.
            var id = body.GetProperty("id").GetString();
            var figure = await studio.Http.GetFromJsonAsync<JsonElement>($"/api/model/{id}/measured?bits=4", Web);
            Assert.Equal("output", figure.GetProperty("kind").GetString());
            Assert.True(figure.GetProperty("randomInputs").GetBoolean());
            Assert.Contains("random inputs", figure.GetProperty("note").GetString());
            Assert.InRange(figure.GetProperty("error").GetDouble(), 1e-6, 10);
        }
        var path = Path.Combine(AppContext.BaseDirectory, "lenet-misnamed.safetensors");
        ModelFile.Save(path, lenet);
        using (var response = await studio.Http.PostAsync("/api/model/upload?name=weights.onnx", new ByteArrayContent(await File.ReadAllBytesAsync(path))))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Web);
            Assert.Equal("safetensors", body.GetProperty("format").GetString());
            var figure = await studio.Http.GetFromJsonAsync<JsonElement>($"/api/model/{body.GetProperty("id").GetString()}/measured?bits=3", Web);
            Assert.Equal("weights", figure.GetProperty("kind").GetString());
            Assert.InRange(figure.GetProperty("error").GetDouble(), 1e-4, 0.5);
        }
        // A data zip whose member climbs out of its folder is unpacked inside it or not at all, and never reaches the disk outside.
        using (var response = await studio.Http.PostAsync("/api/model/upload?name=m.onnx", new ByteArrayContent(onnx)))
        {
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Web)).GetProperty("id").GetString();
            using var memory = new MemoryStream();
            using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            using (var s = new StreamWriter(archive.CreateEntry("../../escape.txt").Open())) s.Write("hello world\n");
            using var data = await studio.Http.PostAsync($"/api/model/{id}/data?name=evil.zip", new ByteArrayContent(memory.ToArray()));
            Assert.Equal(HttpStatusCode.BadRequest, data.StatusCode);
            Assert.Contains("evil.zip", await data.Content.ReadAsStringAsync());
            Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "escape.txt")));
        }
    }

    static float[] Transpose(float[] w, int rows, int cols)
    {
        var t = new float[w.Length];
        for (var r = 0; r < rows; r++)
            for (var c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c];
        return t;
    }

    /// <summary>The first <see cref="Digits"/> test digits (0..1) as an .npz of "input" and "labels", zipped.</summary>
    static void WriteDigits(Condense.Data.Dataset test, string npz, string zip)
    {
        var x = new byte[Digits * 784 * 4];
        Buffer.BlockCopy(test.Images, 0, x, 0, x.Length);
        var y = new byte[Digits * 8];
        for (var i = 0; i < Digits; i++) BitConverter.TryWriteBytes(y.AsSpan(8 * i), (long)test.Labels[i]);
        using (var file = File.Create(npz))
        using (var archive = new ZipArchive(file, ZipArchiveMode.Create))
        {
            using (var s = archive.CreateEntry("input.npy").Open()) s.Write(NpyWriter.ToBytes(new NpyArray("input", Onnx.TensorProto.Types.DataType.Float, [Digits, 784], x)));
            using (var s = archive.CreateEntry("labels.npy").Open()) s.Write(NpyWriter.ToBytes(new NpyArray("labels", Onnx.TensorProto.Types.DataType.Int64, [Digits], y)));
        }
        using var outer = ZipFile.Open(zip, ZipArchiveMode.Create);
        outer.CreateEntryFromFile(npz, "mnist.npz");
    }
}

/// <summary>The upload limit (256 MiB by default) holds for a body sent without a length: streamed, counted, refused with one message.</summary>
[Collection("Studio")]
public sealed class UploadLimitTests(StudioFixture studio)
{
    [Fact]
    public async Task A_chunked_upload_over_the_limit_is_refused_with_413_and_leaves_nothing()
    {
        Assert.Equal(256L * 1024 * 1024, new StudioOptions().MaxUploadBytes);
        var root = studio.Services.GetRequiredService<Condense.Studio.Hosting.UploadFolders>().Root;
        var folders = Directory.GetDirectories(root).Length;
        using var content = new StreamContent(new MemoryStream(new byte[studio.Options.MaxUploadBytes + 4096]));
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/model/upload?name=huge.onnx") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        try
        {
            using var response = await studio.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("larger than the Studio accepts", await response.Content.ReadAsStringAsync());
        }
        catch (HttpRequestException)
        {
            // The server may close the connection under a body still being sent; the 413 was its answer.
        }
        using var health = await studio.Http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal(folders, Directory.GetDirectories(root).Length);
    }
}
