using System.CommandLine;
using Condense.Models;
using Condense.Workflows;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense eval</c>: any model file Condense writes, measured on a test split in the runtime a
/// user would run it in (ONNX Runtime for .onnx, TorchSharp for Condense's own files), through
/// <see cref="ModelFiles.Measure"/>.
/// </summary>
public static class EvalCommand
{
    public static Command Create()
    {
        var model = new Argument<string>("model")
        {
            Description = "A model file Condense wrote: .onnx (export, compress; run in ONNX Runtime), .csparse (prune), .cdz (deep-compress), " +
                "or .safetensors (train, lowrank, hash, quantize); the format is read from the file when the extension is none of these",
        };
        var data = new Option<string?>("--data") { Description = "Data set: mnist10k | fashion (default: the one the file records, else mnist10k)" };
        var json = CliConsole.JsonOption();
        var command = new Command("eval", "Measure a model file's accuracy (classifiers) or MSE (autoencoders) on the test split: ONNX graphs in ONNX Runtime, " +
            "sparse, Deep Compression, quantized, factorised, hashed and dense models in TorchSharp.") { model, data, json };
        command.SetAction(parse =>
        {
            var m = ModelFiles.Measure(parse.GetValue(model)!, parse.GetValue(data));
            var result = m.Evaluation;
            var format = m.Format.ToString().ToLowerInvariant();
            var reconstruction = m.Task == ModelTask.Reconstruction;
            if (parse.GetValue(json))
                CliConsole.WriteJson(parse, new
                {
                    model = m.Path,
                    format,
                    bytes = m.Bytes,
                    architecture = m.Architecture,
                    data = m.DataSet,
                    accuracy = result.Accuracy,
                    loss = double.IsFinite(result.Loss) ? result.Loss : (double?)null,   // ONNX classifiers are scored by accuracy alone
                    mse = reconstruction ? result.Loss : (double?)null,
                    count = result.Count,
                });
            else
                parse.InvocationConfiguration.Output.WriteLine($"{m.Path} ({format}, {m.Bytes:N0} bytes): {m.Architecture} on {m.DataSet} ({result.Count} items): {result}");
            return 0;
        });
        return command;
    }
}
