using System.CommandLine;
using Condense.Formats.Onnx;
using Condense.Models;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary><c>condense export MODEL.safetensors -o MODEL.onnx</c>: a trained Condense model as ONNX.</summary>
public static class ExportCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("model") { Description = "A model saved by condense train (.safetensors)" };
        var output = new Option<string>("--output", "-o") { Description = "Where to write the ONNX model", Required = true };
        var json = CliConsole.JsonOption();
        var command = new Command("export", "Export a trained model to ONNX (Gemm, Relu, LogSoftmax/Sigmoid; dropout removed).") { input, output, json };
        command.SetAction(parse =>
        {
            var (model, card) = ModelFile.Load(parse.GetValue(input)!);
            using (model)
            {
                var path = parse.GetValue(output)!;
                OnnxWriter.Write(path, OnnxExporter.Export(model, card.DataSet));
                var bytes = new FileInfo(path).Length;
                if (parse.GetValue(json)) CliConsole.WriteJson(parse, new { input = parse.GetValue(input), output = path, bytes, opset = OnnxExporter.Opset });
                else CliConsole.For(parse).WriteLine($"Wrote {path} ({bytes:N0} bytes, opset {OnnxExporter.Opset})");
                return 0;
            }
        });
        return command;
    }
}
