using System.CommandLine;
using Condense.Calibration;
using Condense.Formats.Onnx;

namespace Condense.Cli.Commands;

/// <summary>
/// The options that `prune` and `lowrank` add for ONNX models (dispatched on the file's content):
/// the shared data options (their own <c>--data</c> serves both kinds of model), latency runs, and
/// how the calibration data is loaded. Not a command.
/// </summary>
internal static class StructureOptions
{
    /// <summary>Adds the shared data options except <c>--data</c>, which the command already has.</summary>
    public static void AddDataOptions(Command command)
    {
        var shared = new Command("shared");
        DataOptions.Add(shared);
        foreach (var option in shared.Options.Where(o => o.Name != "--data")) command.Options.Add(option);
    }

    /// <summary>Loads the calibration data the options describe for <paramref name="modelPath"/>.</summary>
    public static CalibrationData Load(ParseResult parse, string modelPath, int seed)
    {
        var model = OnnxReader.Read(modelPath);
        return CalibrationDataLoader.Load(model, DataOptions.Spec(parse, seed));
    }
}
