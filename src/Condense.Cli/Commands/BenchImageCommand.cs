using System.CommandLine;
using System.Globalization;
using Condense.Cli.Imaging;

namespace Condense.Cli.Commands;

/// <summary>
/// <c>condense bench image</c>: colour quantization against scikit-learn KMeans and pngquant
/// (<see cref="ImageBench"/>); with <c>--process</c>, also <c>condense image … --colors K</c> as
/// a whole process, start-up included, beside pngquant (<see cref="ProcessTiming"/>).
/// </summary>
public static class BenchImageCommand
{
    static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Command Create()
    {
        var images = new Option<string>("--images") { Description = "Comma-separated: astronaut (skimage's 512×512, if installed), chelsea, coffee, chelsea-512, coffee-512 (bundled photos scaled and centre-cropped to 512×512), or PNG paths.", DefaultValueFactory = _ => "astronaut,coffee-512,chelsea,coffee" };
        var ks = new Option<string>("--k") { Description = "Comma-separated palette sizes.", DefaultValueFactory = _ => "8,32,256" };
        var repeat = new Option<int>("--repeat") { Description = "Timed runs per case (the best is reported), after one warm-up.", DefaultValueFactory = _ => 5 };
        var peers = new Option<bool>("--peers") { Description = "Run scikit-learn (../shared/peers/colorquant.py) and pngquant live on the same images." };
        var process = new Option<bool>("--process") { Description = "Also time `condense image IMAGE --colors K` as a whole process (start-up included) beside pngquant, for the first image and the largest k." };
        var condense = new Option<string?>("--condense") { Description = "The condense executable --process runs (default: the one running this bench)." };
        var json = CliConsole.JsonOption();
        var command = new Command("image", "Color quantization: mean error and time against scikit-learn KMeans and pngquant.") { images, ks, repeat, peers, process, condense, json };
        command.SetAction(parse =>
        {
            var kList = parse.GetValue(ks)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(s => int.TryParse(s, NumberStyles.Integer, Inv, out var k) && k is >= 1 and <= 256 ? k : throw new CondenseException($"bench image: --k values must be 1…256, got '{s}'"))
                .ToArray();
            var repeats = parse.GetValue(repeat);
            if (repeats is < 1 or > 100)
            {
                throw new CondenseException($"bench image: --repeat must be 1…100, got {repeats}");
            }
            var names = parse.GetValue(images)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var rows = ImageBench.Run(names, kList, repeats, parse.GetValue(peers), Console.Error);
            var processRow = parse.GetValue(process) ? ProcessTiming.RunProcess(names[0], kList.Max(), repeats, parse.GetValue(condense), Console.Error) : null;
            if (parse.GetValue(json))
            {
                CliConsole.WriteJson(parse, new { bench = "image", repeats, rows, process = processRow });
                return 0;
            }
            var console = CliConsole.For(parse);
            ImageBenchTable.Print(console, rows, repeats);
            if (processRow is not null) ImageBenchTable.PrintProcess(console, processRow, repeats);
            return 0;
        });
        return command;
    }
}
