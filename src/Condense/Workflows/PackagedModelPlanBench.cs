using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats;
using Condense.Formats.Onnx;

namespace Condense.Workflows;

/// <summary>
/// Issue 23's planner figure on the two real models the NuGet packages ship, measured in this process
/// through the library exactly as the commands of docs/analyze-and-plan.md run <c>condense plan … --max-bytes g4</c>:
/// ResNet18 folded, on the sample photos through its preprocessing model (64 crops, 31 extra per photo), and
/// MiniLM on the embedded sentences (64 of them, 32 tokens at most). The ratio plan ÷ uniform g4 held-out
/// error is the acceptance figure (≤ 0.5); <see cref="PlanAtUniformG4"/> measures it as for the classifier.
/// </summary>
public static class PackagedModelPlanBench
{
    /// <summary>The folded ResNet18 of <see cref="PackagedModels.ResNet18"/>.</summary>
    public const string ResNet18 = "resnet18";

    /// <summary>all-MiniLM-L6-v2 of <see cref="PackagedModels.MiniLm"/>.</summary>
    public const string MiniLm = "minilm";

    /// <summary>ResNet18's settings: the docs' command (grid, codebooks, dropped input columns; Conv has no low rank here).</summary>
    public static IReadOnlyList<string> ResNet18Settings { get; } =
        ["g8-rtn", "g6-rtn", "g5", "g4", "g3", "g2", "k4-rtn", "k3-rtn", "k2-rtn", "g3+25", "g3+50", "g4+10", "g4+25", "g4+50"];

    /// <summary>MiniLM's settings: the docs' command, with GPTQ codebooks (k4) and 64-column blocks.</summary>
    public static IReadOnlyList<string> MiniLmSettings { get; } =
        ["g8-rtn", "g6-rtn", "g5", "g4", "g3", "k4-rtn", "k3-rtn", "g3+20", "g3+50", "g4+5", "g4+25", "g4+50", "g5+25", "g4b64", "g3b64", "g3+75", "k4"];

    // One recipe per model: its description, and how its file, data and settings are prepared in a folder.
    sealed record Recipe(string Description, Func<string, (string Model, DataSpec Data, IReadOnlyList<string> Settings)> Inputs);

    static readonly Dictionary<string, Recipe> Recipes = new(StringComparer.Ordinal)
    {
        [ResNet18] = new("ResNet18 (NuGet package, BN folded), onnx", ResNet18Inputs),
        [MiniLm] = new("all-MiniLM-L6-v2 (NuGet package), onnx", MiniLmInputs),
    };

    /// <summary>The models this bench knows.</summary>
    public static IReadOnlyList<string> Models { get; } = [.. Recipes.Keys];

    /// <summary>A one-line description of <paramref name="model"/> for the figures.</summary>
    public static string Describe(string model) => Of(model).Description;

    /// <summary>Prepares <paramref name="model"/> and its data in <paramref name="folder"/> (once; reused after), then analyses and plans.</summary>
    /// <param name="model"><see cref="ResNet18"/> or <see cref="MiniLm"/>.</param>
    /// <param name="folder">Where the folded model, the photos and the sentences are kept.</param>
    /// <param name="threads">Workers.</param>
    /// <param name="progress">A line per stage, or null.</param>
    public static PlanAtUniformG4.Result Run(string model, string folder, int threads = 2, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(folder);
        var recipe = Of(model);
        var since = PlanAtUniformG4.Start();
        var (path, spec, settings) = recipe.Inputs(folder);
        var data = CalibrationDataLoader.Load(OnnxReader.Read(path), spec);
        var request = new OnnxAnalysisRequest(path, data, [.. settings.Select(QuantizationSetting.Parse)], Threads: threads, Progress: progress);
        return PlanAtUniformG4.Measure(request, since);
    }

    static Recipe Of(string model) => Recipes.TryGetValue(model, out var recipe) ? recipe
        : throw new CondenseException($"bench plan: unknown model '{model}' (classifier, {string.Join(", ", Models)})");

    static (string, DataSpec, IReadOnlyList<string>) ResNet18Inputs(string folder)
    {
        var (model, photos) = ResNet18CalibrationBench.Prepare(folder);
        return (model, new DataSpec(photos, PackagedModels.ResNet18Preprocess, Count: 64, Augment: 31), ResNet18Settings);
    }

    static (string, DataSpec, IReadOnlyList<string>) MiniLmInputs(string folder)
    {
        Directory.CreateDirectory(folder);
        var sentences = Path.Combine(folder, "sentences.txt");
        if (!File.Exists(sentences)) AtomicFile.WriteAllText(sentences, SampleSentences.Text);
        return (PackagedModels.MiniLm, new DataSpec(sentences, Vocab: PackagedModels.MiniLmVocab, Count: 64, MaxSequenceLength: 32), MiniLmSettings);
    }
}
