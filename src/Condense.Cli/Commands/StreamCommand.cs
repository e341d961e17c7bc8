using System.CommandLine;
using Condense.Streaming;
using Condense.Cli.Reports;
using Spectre.Console;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense stream IN -o OUT --method int8|kmeans</c>: compresses a safetensors checkpoint
/// (file or sharded folder) of any size tensor by tensor, on all workers, with a progress bar;
/// run it again after an interruption to resume.
/// </summary>
public static class StreamCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A .safetensors file, or a folder with model.safetensors.index.json and its shards" };
        var output = new Option<string>("--output", "-o") { Description = "Output folder (shards of the same names, plus the index)", Required = true };
        var method = new Option<string>("--method", "-m") { Description = "int8 (per-channel linear) or kmeans (8-bit weight sharing)", DefaultValueFactory = _ => "int8" };
        var workers = new Option<int>("--workers") { Description = "Encoding threads (1..64)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var chunk = new Option<int>("--chunk-mb") { Description = "MiB of input per chunk (memory ≈ (2 × workers + 2) chunks)", DefaultValueFactory = _ => 4 };
        var json = CliConsole.JsonOption();
        var command = new Command("stream", "Compress a model bigger than memory, tensor by tensor (resumable).") { input, output, method, workers, chunk, json };
        command.SetAction(parse =>
        {
            var compressor = StreamMethods.Create(StreamMethods.Parse(parse.GetValue(method)!));
            var mb = parse.GetValue(chunk);
            if (mb is < 1 or > 256) throw new CondenseException($"--chunk-mb {mb}: must be in 1..256");
            var options = new StreamOptions { Workers = parse.GetValue(workers), ChunkBytes = (long)mb << 20 };
            var report = StreamView.Run(parse, parse.GetValue(input)!, parse.GetValue(output)!, compressor, options, !parse.GetValue(json));
            if (report is null) return 130;
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, StreamView.Json(report, parse.GetValue(output)!));
                return 0;
            }
            var console = CliConsole.For(parse);
            console.Write(StreamView.Table([report]));
            console.WriteLine($"{parse.GetValue(output)}: {report.Shards} shard(s), {report.ShardsSkipped} already finished and kept, {report.TensorsCompressed} of {report.Tensors} tensors compressed");
            return 0;
        });
        return command;
    }
}
