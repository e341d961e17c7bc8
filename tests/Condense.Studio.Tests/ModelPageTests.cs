using System.Net;
using Condense.Formats;
using Condense.Models;
using Microsoft.Playwright;

namespace Condense.Studio.Tests;

/// <summary>Page 7: a real model file uploaded through the browser, analysed, compressed and downloaded.</summary>
[Collection("Studio")]
[Trait("Category", "Slow")]
public sealed class ModelPageTests(StudioFixture studio)
{
    static string SavedLeNet()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "lenet300.safetensors");
        using var model = ModelFactory.Create(ModelKind.LeNet300, seed: 7);
        ModelFile.Save(path, model);
        return path;
    }

    [Fact]
    public async Task Uploaded_safetensors_is_analysed_and_compressed_to_the_chosen_bits()
    {
        var path = SavedLeNet();
        var (tensors, _) = SafetensorsReader.ReadAll(path);
        var (page, errors) = await studio.OpenAsync("model");
        await page.GetByTestId("model-upload").SetInputFilesAsync(path);
        await Assertions.Expect(page.GetByTestId("model-summary")).ToContainTextAsync($"{tensors.Count} tensors");
        await Assertions.Expect(page.GetByTestId("model-summary")).ToContainTextAsync(tensors.Sum(t => t.ElementCount).ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        var rows = page.GetByTestId("model-layers").Locator("tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(tensors.Count);
        // Row 0 is fc1.weight: 300×784, and its max is the library's.
        var fc1 = tensors.Single(t => t.Name == "fc1.weight");
        var row = rows.Filter(new() { HasText = "fc1.weight" });
        await Assertions.Expect(row).ToContainTextAsync("300×784");
        var shownMax = double.Parse(await row.Locator("td").Nth(4).InnerTextAsync(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(fc1.ToFloat32().Max(), shownMax, 3);

        await Browser.SlideToAsync(page.GetByTestId("bits-slider"), 3);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
        Assert.Equal("lenet300.3bit.safetensors", download.SuggestedFilename);
        var saved = Path.Combine(AppContext.BaseDirectory, "lenet300.3bit.safetensors");
        await download.SaveAsAsync(saved);
        Assert.True(new FileInfo(saved).Length < new FileInfo(path).Length / 3, "3-bit weight sharing should shrink the file well over 3×");

        // Condense's one k-means layout: codebook [groups, 2^bits] and indices bit-packed at 3 bits.
        var (compressed, metadata) = SafetensorsReader.ReadAll(saved);
        var description = System.Text.Json.Nodes.JsonNode.Parse(metadata[QuantizedModelFile.MetadataKey])!["fc1.weight"]!;
        Assert.Equal("kmeans", description["method"]!.GetValue<string>());
        Assert.Equal(3, description["bits"]!.GetValue<int>());
        var packed = compressed.Single(t => t.Name == "fc1.weight.indices");
        var codebook = compressed.Single(t => t.Name == "fc1.weight.codebook").ToFloat32();
        Assert.Equal(TensorDType.U8, packed.DType);
        Assert.Equal(8, codebook.Length);
        Assert.Equal(Condense.Quantization.BitPacking.PackedLength(fc1.ElementCount, 3), packed.Data.LongLength);
        var indices = new int[fc1.ElementCount];
        Condense.Quantization.BitPacking.Unpack(packed.Data, 3, indices);
        // Each weight's shared value is the codebook entry nearest to it.
        var original = fc1.ToFloat32();
        for (var i = 0; i < original.Length; i += 997)
        {
            var chosen = Math.Abs(original[i] - codebook[indices[i]]);
            Assert.All(codebook, c => Assert.True(chosen <= Math.Abs(original[i] - c) + 1e-6));
        }
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "7-your-model");
    }

    [Fact]
    public async Task Uploaded_onnx_is_compressed_into_a_smaller_onnx_that_parses()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "lenet300.onnx");
        using (var model = ModelFactory.Create(ModelKind.LeNet300, seed: 7))
            await File.WriteAllBytesAsync(path, Google.Protobuf.MessageExtensions.ToByteArray(Condense.Formats.Onnx.OnnxExporter.Export(model)));
        var (page, errors) = await studio.OpenAsync("model");
        await page.GetByTestId("model-upload").SetInputFilesAsync(path);
        await Assertions.Expect(page.GetByTestId("model-summary")).ToContainTextAsync("ONNX");
        await Assertions.Expect(page.GetByTestId("model-layers").Locator("tbody tr").Filter(new() { HasText = "300×784" })).ToHaveCountAsync(1);
        await Browser.SlideToAsync(page.GetByTestId("bits-slider"), 4);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("download").ClickAsync());
        Assert.Equal("lenet300.4bit.onnx", download.SuggestedFilename);
        var saved = Path.Combine(AppContext.BaseDirectory, "lenet300.4bit.onnx");
        await download.SaveAsAsync(saved);
        Assert.True(new FileInfo(saved).Length < new FileInfo(path).Length / 4, "4-bit k-means should shrink the ONNX file over 4×");
        var reread = Condense.Formats.Onnx.OnnxReader.Read(saved);
        Assert.NotEmpty(reread.Proto.Graph.Node);
        Assert.Empty(errors);
        await StudioFixture.ScreenshotAsync(page, "7-your-model-onnx");
    }

    [Fact]
    public async Task Malformed_upload_gets_a_clear_message_and_the_server_keeps_running()
    {
        var bad = Path.Combine(AppContext.BaseDirectory, "broken.safetensors");
        await File.WriteAllBytesAsync(bad, [0xFF, 0xFF, 0xFF, 0xFF, 0, 0, 0, 0, 1, 2, 3]);
        var (page, _) = await studio.OpenAsync("model");
        await page.GetByTestId("model-upload").SetInputFilesAsync(bad);
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("broken.safetensors");
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("header length");
        await StudioFixture.ScreenshotAsync(page, "7-your-model-malformed");

        // JSON in place of the header, truncated data, and plain garbage: all 400 with a message.
        foreach (var body in new[] { "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", "not a model at all" })
        {
            var header = System.Text.Encoding.UTF8.GetBytes(body);
            var file = BitConverter.GetBytes((ulong)header.Length).Concat(header).ToArray();
            using var response = await studio.Http.PostAsync("/api/model/upload?name=x.safetensors", new ByteArrayContent(file));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("x.safetensors", await response.Content.ReadAsStringAsync());
        }
        // A file named .onnx that is not a protobuf model.
        using (var response = await studio.Http.PostAsync("/api/model/upload?name=y.onnx", new ByteArrayContent([0xFF, 0xFF, 0xFF, 0x0F, 1, 2, 3])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("y.onnx", await response.Content.ReadAsStringAsync());
        }
        using var health = await studio.Http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Upload_over_the_limit_is_refused_with_413()
    {
        var big = new byte[studio.Options.MaxUploadBytes + 1];
        // A well-behaved client announces its body (Expect: 100-continue) and hears 413 before sending it.
        using (var request = new HttpRequestMessage(HttpMethod.Post, "/api/model/upload?name=big.safetensors") { Content = new ByteArrayContent(big) })
        {
            request.Headers.ExpectContinue = true;
            using var response = await studio.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
            Assert.Contains("larger than the Studio accepts", await response.Content.ReadAsStringAsync());
        }
        // And in the browser, the reader is told why.
        var path = Path.Combine(AppContext.BaseDirectory, "too-big.safetensors");
        await File.WriteAllBytesAsync(path, big);
        var (page, _) = await studio.OpenAsync("model");
        await page.GetByTestId("model-upload").SetInputFilesAsync(path);
        await Assertions.Expect(page.GetByTestId("error")).ToContainTextAsync("too large");
        using var health = await studio.Http.GetAsync("/api/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
