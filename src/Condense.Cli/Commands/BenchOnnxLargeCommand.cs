using System.CommandLine;
using System.Diagnostics;
using Condense.Formats.Onnx;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench onnx-large --size 2.5GB --dir D</c>: writes (seeded; kept when it is already
/// there) a synthetic ONNX model bigger than protobuf's 2 GiB limit, its weights in
/// <c>model.onnx.data</c>: the input for measuring <c>condense compress</c> on external data with
/// <c>/usr/bin/time -v</c>. Prints the paths and sizes.
/// </summary>
public static class BenchOnnxLargeCommand
{
    public static Command Create()
    {
        var size = new Option<string>("--size") { Description = "Model size, e.g. 2.5GB (rounded up to whole pairs of 4096×11008 F32 MatMuls)", DefaultValueFactory = _ => "2.5GB" };
        var dir = new Option<string>("--dir") { Description = "Folder for model.onnx and model.onnx.data", Required = true };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 0, Description = "Seed of the synthetic weights" };
        var command = new Command("onnx-large", "Write a synthetic ONNX model over 2 GiB (external data) for the compress benchmark.") { size, dir, seed };
        command.SetAction(parse =>
        {
            const int hidden = 4096, intermediate = 11008;
            var bytes = OptionValues.ParseSize(parse.GetValue(size)!);
            var pair = 2L * hidden * intermediate * 4;
            var layers = (int)Math.Max(2, 2 * ((bytes + pair - 1) / pair));
            var path = Path.Combine(parse.GetValue(dir)!, "model.onnx");
            var clock = Stopwatch.StartNew();
            var generated = false;
            if (!File.Exists(path) || !File.Exists(path + ".data") || new FileInfo(path + ".data").Length < layers * pair / 2)
            {
                SyntheticOnnxModel.Write(path, layers, hidden, intermediate, parse.GetValue(seed));
                generated = true;
            }
            var console = CliConsole.For(parse);
            console.WriteLine($"{path}: {new FileInfo(path).Length:N0} bytes + {path}.data: {new FileInfo(path + ".data").Length:N0} bytes " +
                $"({layers} MatMuls of {hidden}×{intermediate} F32){(generated ? $", written in {clock.Elapsed.TotalSeconds:0.0} s" : ", already there")}");
            console.WriteLine($"measure: /usr/bin/time -v condense compress {path} --method kmeans -o {Path.Combine(Path.GetDirectoryName(path)!, "kmeans", "model.onnx")}");
            return 0;
        });
        return command;
    }
}
