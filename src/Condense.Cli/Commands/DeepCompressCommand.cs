using System.CommandLine;
using System.Globalization;
using Condense.Data;
using Condense.DeepCompression;
using Condense.Formats.Onnx;
using Google.Protobuf;
using Condense.Models;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary><c>condense deep-compress</c>: prune → share weights (k-means, centroid fine-tuning) → Huffman, with the size and accuracy after each stage.</summary>
public static class DeepCompressCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model") { Description = "A classifier written by 'condense train' (.safetensors)" };
        var output = new Option<string?>("--output", "-o") { Description = "Container to write (default: MODEL with .cdz); the ONNX model goes beside it (.onnx)" };
        var sparsity = new Option<string>("--sparsity") { Description = "Fraction pruned per layer, comma-separated (last repeats)", DefaultValueFactory = _ => "0.93,0.91,0.74" };
        var bits = new Option<string>("--bits") { Description = "Shared-weight index bits per layer, 2–8, comma-separated (last repeats)", DefaultValueFactory = _ => "4" };
        var gapBits = new Option<int>("--gap-bits") { Description = "Relative-index bits before Huffman coding", DefaultValueFactory = _ => 5 };
        var pruneSteps = new Option<int>("--prune-steps") { Description = "Pruning steps to reach the sparsity", DefaultValueFactory = _ => 3 };
        var pruneEpochs = new Option<int>("--prune-epochs") { Description = "Retraining epochs after each pruning step", DefaultValueFactory = _ => 2 };
        var shareEpochs = new Option<int>("--share-epochs") { Description = "Centroid fine-tuning epochs", DefaultValueFactory = _ => 2 };
        var data = new Option<string?>("--data") { Description = "Data set (default: the model's)" };
        var seed = new Option<int>("--seed") { Description = "Seed for retraining", DefaultValueFactory = _ => 0 };
        var json = CliConsole.JsonOption();
        var command = new Command("deep-compress", "Deep Compression: prune, share weights, Huffman-code; size and accuracy after each stage.")
        {
            model, output, sparsity, bits, gapBits, pruneSteps, pruneEpochs, shareEpochs, data, seed, json,
        };
        command.SetAction(parse =>
        {
            var options = new DeepCompressionOptions
            {
                Sparsity = ParseList(parse.GetValue(sparsity)!, "sparsity", s => double.Parse(s, CultureInfo.InvariantCulture)),
                Bits = ParseList(parse.GetValue(bits)!, "bits", s => int.Parse(s, CultureInfo.InvariantCulture)),
                GapBits = parse.GetValue(gapBits),
                PruneSteps = parse.GetValue(pruneSteps),
                PruneEpochs = parse.GetValue(pruneEpochs),
                ShareEpochs = parse.GetValue(shareEpochs),
                Seed = parse.GetValue(seed),
            };
            var path = parse.GetValue(model)!;
            var outPath = parse.GetValue(output) ?? Path.ChangeExtension(path, ".cdz");
            CondenseModel net;
            ModelCard card;
            if (Condense.Models.Cnn.CnnModelFile.IsCnnFile(path)) (net, card) = Condense.Models.Cnn.CnnModelFile.Load(path);   // conv kernels too
            else (net, card) = ModelFile.Load(path);
            using var _ = net;
            var dataName = parse.GetValue(data) ?? card.DataSet ?? DataSets.Mnist10k;
            var (train, test) = DataSets.Load(dataName);
            var asJson = parse.GetValue(json);
            var console = CliConsole.For(parse);
            var result = DeepCompressionPipeline.Run(net, train, test, options, asJson ? null : console.WriteLine);
            CompressedContainer.Write(outPath, net.Describe(), result.Encoded);
            var onnxPath = Path.ChangeExtension(outPath, ".onnx");
            var onnx = WriteOnnx(net, onnxPath, result.Layers.Max(l => l.Bits));
            if (asJson)
            {
                CliConsole.WriteJson(parse, new
                {
                    model = path, data = dataName, output = outPath, containerBytes = new FileInfo(outPath).Length, verified = result.Verified,
                    stages = result.Stages, layers = result.Layers, accuracyDrop = result.Dense.Accuracy - result.Final.Accuracy,
                    onnx = new { path = onnx.Path, bytes = onnx.Bytes, worstAbsDifference = onnx.WorstAbs },
                });
                return result.Verified ? 0 : 1;
            }
            var stages = new Table().AddColumns("stage", "bytes", "× smaller", "test accuracy");
            foreach (var s in result.Stages) stages.AddRow(s.Stage, s.Bytes.ToString("N0"), $"{s.TimesSmaller:F1}×", s.Accuracy.ToString("P2"));
            console.Write(stages);
            var layers = new Table().AddColumns("layer", "shape", "kept", "entries", "bits", "bytes");
            foreach (var l in result.Layers)
                layers.AddRow(l.Name, $"{l.Rows}×{l.Columns}", $"{l.NonZeros:N0} ({l.Density:P1})", l.Entries.ToString("N0"), l.Bits.ToString(), l.ContainerBytes.ToString("N0"));
            console.Write(layers);
            console.WriteLine($"Wrote {outPath} ({new FileInfo(outPath).Length:N0} bytes, {result.Final.TimesSmaller:F1}× smaller than float32); decoding reproduces the model's weights exactly: {(result.Verified ? "yes" : "NO")}.");
            console.WriteLine($"Accuracy {result.Dense.Accuracy:P2} → {result.Final.Accuracy:P2} ({100 * (result.Final.Accuracy - result.Dense.Accuracy):+0.00;-0.00} points).");
            console.WriteLine($"ONNX: {onnx.Path} ({onnx.Bytes:N0} bytes, sparse k-means encoding, runs in ONNX Runtime; largest output difference from the decoded model {onnx.WorstAbs:G3}).");
            return result.Verified ? 0 : 1;
        });
        return command;
    }

    /// <summary>The decoded model as ONNX that ONNX Runtime runs: exported, then its weights stored
    /// sparse with a k-means codebook (every layer has at most 2^bits distinct values, so the
    /// codebook holds them all), and checked against the uncompressed export in ONNX Runtime.</summary>
    static (string Path, long Bytes, double WorstAbs) WriteOnnx(CondenseModel model, string path, int bits)
    {
        var exported = model is Condense.Models.Cnn.CnnModel cnn ? Condense.Formats.Onnx.Cnn.CnnOnnxExporter.Build(cnn).Model : OnnxExporter.Export(model);
        var parsed = OnnxReader.Parse(exported.ToByteArray(), path);
        var compressed = OnnxCompressor.Compress(parsed, new OnnxCompressionOptions(OnnxCompressionMethod.KMeans, bits, Sparse: true));
        var check = OnnxVerifier.Compare(exported, compressed.Model, path);
        OnnxWriter.Write(path, compressed.Model);
        return (path, new FileInfo(path).Length, check.WorstAbs);
    }

    static IReadOnlyList<T> ParseList<T>(string text, string what, Func<string, T> parse)
    {
        try { return text.Split(',', StringSplitOptions.TrimEntries).Select(parse).ToArray(); }
        catch (FormatException) { throw new CondenseException($"{what} '{text}' is not a comma-separated list of numbers"); }
        catch (OverflowException) { throw new CondenseException($"{what} '{text}' is out of range"); }
    }
}
