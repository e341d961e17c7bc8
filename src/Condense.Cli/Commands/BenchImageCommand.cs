using System.CommandLine;
using System.Globalization;
using Condense.Cli.Bench;
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
            var names = parse.GetValue(images)!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var report = ImageBenchReport.Run(new ImageBenchRequest(names, kList, parse.GetValue(repeat), parse.GetValue(peers), parse.GetValue(process), parse.GetValue(condense)), Console.Error);
            var (rows, processRow, repeats) = (report.Rows, report.Process, report.Repeats);
            if (parse.GetValue(json))
            {
                CliConsole.WriteReport(parse, report);
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
