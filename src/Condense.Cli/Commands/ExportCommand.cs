using System.CommandLine;
using Condense.Formats.Onnx;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Formats.Onnx.Cnn;
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
        var command = new Command("export", "Export a trained model to ONNX (MLPs: Gemm, Relu, LogSoftmax/Sigmoid; CNNs: Conv, BatchNormalization, MaxPool, Add).") { input, output, json };
        command.SetAction(parse =>
        {
            var source = parse.GetValue(input)!;
            var path = parse.GetValue(output)!;
            IReadOnlyDictionary<string, string> metadata;
            using (var reader = Condense.Formats.SafetensorsReader.Open(source)) metadata = reader.Metadata;
            if (CnnModelFile.IsCnn(metadata))
            {
                // CNNs: Conv/BatchNormalization/MaxPool/Add, checked against TorchSharp in ONNX Runtime before writing.
                var (cnn, cnnCard) = CnnModelFile.Load(source);
                using (cnn)
                {
                    var (data, _) = Condense.Data.DataSets.Load(cnnCard.DataSet == Condense.Data.DataSets.Fashion && Condense.Data.DataSets.FashionAvailable ? cnnCard.DataSet : Condense.Data.DataSets.Mnist10k);
                    CnnOnnxExporter.Write(path, cnn, data.Images[..(64 * data.Features)], 64, cnnCard.DataSet);
                }
                var written = new FileInfo(path).Length;
                if (parse.GetValue(json)) CliConsole.WriteJson(parse, new { input = source, output = path, bytes = written, opset = OnnxExporter.Opset });
                else CliConsole.For(parse).WriteLine($"Wrote {path} ({written:N0} bytes, opset {OnnxExporter.Opset}; ONNX Runtime matches TorchSharp)");
                return 0;
            }
            var (model, card) = ModelFile.Load(source);
            using (model)
            {
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
