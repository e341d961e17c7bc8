using System.CommandLine;
using Condense.Formats.Onnx;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense compress IN.onnx --method kmeans|linear|fp16 --bits B [--data PATH] -o OUT.onnx</c>: a
/// smaller ONNX model that ONNX Runtime runs, written only after it ran. With --data, data-aware (GPTQ).
/// </summary>
public static class CompressCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("model") { Description = "The ONNX model to compress (never modified)" };
        var method = new Option<string>("--method") { Description = "kmeans | linear | fp16 | bf16 (smaller files) | int8-static | int8-dynamic | nbits (faster/lighter in ONNX Runtime; absent: --goal picks)" };
        var bits = new Option<int?>("--bits") { Description = "Bits per weight: kmeans 1-8, linear 2-8 (default 8), fp16 16" };
        var perChannel = new Option<bool>("--per-channel") { Description = "Linear: one scale per output channel" };
        var minSize = new Option<long>("--min-size") { Description = "Leave tensors with fewer elements alone", DefaultValueFactory = _ => 1024 };
        var noSparse = new Option<bool>("--no-sparse") { Description = "Never store pruned tensors sparsely" };
        var seed = new Option<int>("--seed") { Description = "Seed for k-means initialisation and random verifier inputs", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the compressed model (.onnx)", Required = true };
        var external = new Option<string>("--external-data") { Description = "auto | always | never: keep weights in OUT.onnx.data beside the model, compressing tensor by tensor (auto: when the input's tensors reach --external-threshold or the input has external data; needed over 2 GiB)", DefaultValueFactory = _ => "auto" };
        var threshold = new Option<long>("--external-threshold") { Description = "Input tensor bytes from which --external-data auto writes external data", DefaultValueFactory = _ => 1L << 30 };
        var json = CliConsole.JsonOption();
        var command = new Command("compress", "Compress an ONNX model's weights into a smaller ONNX model that ONNX Runtime runs.")
        {
            input, method, bits, perChannel, minSize, noSparse, seed, output, external, threshold, json,
            CompressOcs.Ratio, CompressDataAware.DataFree, CompressDataAware.Block, CompressDataAware.CodebookRows, CompressDataAware.ActOrder,
        };
        DataOptions.Add(command);
        RuntimeCompressOptions.Add(command);
        command.SetAction(parse =>
        {
            var inPath = parse.GetValue(input)!;
            var outPath = parse.GetValue(output)!;
            if (parse.GetValue(CompressOcs.Ratio) is not null)
                return CompressOcs.Run(parse, inPath, outPath, parse.GetValue(bits), parse.GetValue(minSize), parse.GetValue(seed), parse.GetValue(json));
            if (RuntimeCompressOptions.Handles(parse.GetValue(method)))
                return RuntimeCompressOptions.Run(parse, inPath, outPath, parse.GetValue(method), parse.GetValue(bits), parse.GetValue(seed), parse.GetValue(json));
            if (parse.GetValue<string>("--data") is not null)
                return CompressDataAware.Run(parse, ParseMethod(parse.GetValue(method)!), parse.GetValue(bits), inPath, outPath, parse.GetValue(minSize), parse.GetValue(seed), parse.GetValue(json));
            if (parse.GetValue(CompressDataAware.Block) is not null) throw new CondenseException("--block needs --data with kmeans or linear (blocks are quantized data-aware), or --method nbits");
            var options = new OnnxCompressionOptions(
                ParseMethod(parse.GetValue(method)!), parse.GetValue(bits), parse.GetValue(perChannel),
                parse.GetValue(minSize), !parse.GetValue(noSparse), parse.GetValue(seed),
                ParseExternal(parse.GetValue(external)!), parse.GetValue(threshold));
            var shapes = InputShapeOption.Parse(parse);
            Workflows.OutputPath.RefuseOverwrite(inPath, outPath);

            var model = OnnxReader.Read(inPath);
            var fileBefore = model.FileBytes;
            OnnxCompressionResult result;
            OnnxVerification? verification = null;
            var (known, knownSource) = CompressKnownInputs.Of(model.Proto, inPath);
            string? dataPath = null;
            (Workflows.MeasuredError? Measured, string? Reason) measured = (null, "the model is written with external data");
            if (options.WritesExternal(model))
            {
                // Tensor by tensor into OUT.onnx + OUT.onnx.data; both run in ONNX Runtime before they appear.
                result = OnnxCompressor.CompressToExternal(model, options, outPath,
                    staged => verification = OnnxVerifier.CompareFiles(model, staged, known, options.Seed, shapes));
                dataPath = outPath + ".data";
            }
            else
            {
                var original = model.Proto.Clone();
                result = OnnxCompressor.Compress(model, options);
                result.ThrowIfNothingCompressed(inPath);
                verification = OnnxVerifier.Compare(original, result.Model, inPath, known, options.Seed, shapes);
                measured = CompressMeasured.Random(parse, model, original, result.Model, inPath, options.Seed);
                OnnxWriter.Write(outPath, result.Model);
            }
            if (knownSource is not null) verification = verification! with { InputSource = knownSource };
            var fileAfter = new FileInfo(outPath).Length + (dataPath is null ? 0 : new FileInfo(dataPath).Length);
            var (timing, warnings) = CompressTiming.Measure(parse, inPath, outPath, model.Proto.Graph, CompressTiming.RandomSamples(model.Proto.Graph, shapes, options.Seed));
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, new
                {
                    input = inPath,
                    output = outPath,
                    externalData = dataPath,
                    method = options.Method.ToString().ToLowerInvariant(),
                    bits = options.EffectiveBits,
                    perChannel = options.PerChannel,
                    minSize = options.MinSize,
                    opsetLifted = result.OpsetLifted,
                    bytesBefore = fileBefore,
                    bytesAfter = fileAfter,
                    ratio = (double)fileAfter / fileBefore,
                    tensors = result.Tensors.Select(t => new
                    {
                        name = t.Name, graph = t.GraphPath, source = t.Source.ToString(), shape = t.Shape, dtype = t.DataType, encoding = t.Encoding,
                        bytesBefore = t.BytesBefore, bytesAfter = t.BytesAfter, maxAbsError = t.MaxAbsError, relativeRmsError = t.RelativeRmsError,
                    }),
                    untouched_nodes = result.Untouched.Select(u => new { node = u.Node, op_type = u.OpType, graph = u.GraphPath, reason = u.Reason }),
                    verification = new
                    {
                        inputs = verification!.InputSource,
                        outputs = verification.Outputs.Select(o => new { name = o.Name, dtype = o.DataType, mismatched = o.Mismatched, maxAbs = o.MaxAbs, meanAbs = o.MeanAbs, maxRelative = o.MaxRelative, meanRelative = o.MeanRelative }),
                    },
                    measured = CompressMeasured.Json(measured.Measured, measured.Reason), timing = RuntimeReportJson.Timing(timing), warnings,
                });
                return 0;
            }
            var console = CliConsole.For(parse);
            var table = new Table().AddColumns("tensor", "from", "shape", "encoding", "bytes before", "bytes after", "ratio", "max |Δw|", "rel. RMS");
            foreach (var t in result.Tensors)
            {
                table.AddRow(Markup.Escape(t.GraphPath.Length > 0 ? $"{t.GraphPath}/{t.Name}" : t.Name), t.Source == OnnxParameterSource.Initializer ? "initializer" : "Constant",
                    Markup.Escape($"[{string.Join(", ", t.Shape)}]"), Markup.Escape(t.Encoding), t.BytesBefore.ToString("N0"), t.BytesAfter.ToString("N0"),
                    t.BytesBefore == 0 ? "-" : ((double)t.BytesAfter / t.BytesBefore).ToString("0.000"),
                    t.MaxAbsError.ToString("G3"), t.RelativeRmsError.ToString("G3"));
            }
            console.Write(table);
            console.WriteLine($"{inPath} -> {outPath}{(dataPath is null ? "" : " + " + Path.GetFileName(dataPath))}: {fileBefore:N0} -> {fileAfter:N0} bytes (ratio {(double)fileAfter / fileBefore:0.000}); " +
                $"{result.Tensors.Count(t => t.Compressed)} of {result.Tensors.Count} tensors compressed" +
                (result.OpsetLifted ? "; lifted to opset 7 (ONNX Runtime has no older kernels)" : ""));
            foreach (var u in result.Untouched) console.WriteLine($"left as it was: {u}");
            var diff = new Table().AddColumns("output", "max |Δ|", "mean |Δ|", "max rel.", "mean rel.", "elements differing");
            foreach (var o in verification!.Outputs)
                diff.AddRow(Markup.Escape(o.Name), o.MaxAbs.ToString("G3"), o.MeanAbs.ToString("G3"), o.MaxRelative.ToString("G3"), o.MeanRelative.ToString("G3"), o.Mismatched.ToString("N0"));
            console.WriteLine($"ONNX Runtime, original vs compressed on {verification.InputSource}:");
            console.Write(diff);
            CompressMeasured.Write(console, measured.Measured, measured.Reason);
            RuntimeReportTable.WriteTiming(console, timing, warnings);
            return 0;
        });
        return command;
    }

    static OnnxExternalDataMode ParseExternal(string name) => name.ToLowerInvariant() switch
    {
        "auto" => OnnxExternalDataMode.Auto,
        "always" or "yes" or "true" => OnnxExternalDataMode.Always,
        "never" or "no" or "false" => OnnxExternalDataMode.Never,
        _ => throw new CondenseException($"--external-data must be auto, always or never, not '{name}'"),
    };

    static OnnxCompressionMethod ParseMethod(string name) => name.ToLowerInvariant() switch
    {
        "kmeans" or "k-means" => OnnxCompressionMethod.KMeans,
        "linear" => OnnxCompressionMethod.Linear,
        "fp16" => OnnxCompressionMethod.Fp16,
        "bf16" => OnnxCompressionMethod.Bf16,
        _ => throw new CondenseException($"unknown method '{name}' (kmeans, linear, fp16, bf16)"),
    };
}
