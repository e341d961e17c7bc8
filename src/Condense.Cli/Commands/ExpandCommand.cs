using System.CommandLine;
using Condense.Streaming;

namespace Condense.Cli.Commands;

/// <summary><c>condense expand IN -o OUT</c>: turns the output of <c>condense stream</c> back into float32 tensors (same shards).</summary>
public static class ExpandCommand
{
    public static Command Create()
    {
        var input = new Argument<string>("input") { Description = "A file or folder written by condense stream" };
        var output = new Option<string>("--output", "-o") { Description = "Output folder for the dequantized float32 checkpoint", Required = true };
        var command = new Command("expand", "Dequantize a streamed (int8 or k-means) checkpoint back to float32 safetensors.") { input, output };
        command.SetAction(parse =>
        {
            using var checkpoint = CompressedCheckpoint.Open(parse.GetValue(input)!);
            checkpoint.Expand(parse.GetValue(output)!);
            parse.InvocationConfiguration.Output.WriteLine($"{parse.GetValue(output)}: {checkpoint.Tensors.Count} tensors dequantized from {checkpoint.Method}");
            return 0;
        });
        return command;
    }
}
