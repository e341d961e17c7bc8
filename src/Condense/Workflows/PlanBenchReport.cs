using System.Text.Json.Serialization;

namespace Condense.Workflows;

/// <summary>
/// What <c>condense bench plan</c> reports and <c>condense bench all</c> judges: issue 23's planner
/// figure on the MNIST classifier, ResNet18 or MiniLM (plan ÷ uniform g4 error at equal bytes). One typed record for
/// both, so the figures cannot read a key the command stopped writing; serialized snake_case.
/// </summary>
/// <param name="Model">The model measured.</param>
/// <param name="Data">The data's one-line description.</param>
/// <param name="UniformG4Bytes">Bytes of uniform 4-bit GPTQ.</param>
/// <param name="UniformG4Error">Its held-out error.</param>
/// <param name="PlanBytes">Bytes of the plan from every setting.</param>
/// <param name="PlanError">Its held-out error.</param>
/// <param name="PlanRatio">Plan error ÷ uniform g4 error (the acceptance figure, ≤ 0.5).</param>
/// <param name="PlanSettings">The plan's layer settings, "node setting, …".</param>
/// <param name="QuantizationOnlyBytes">Bytes of the plan from the quantization settings alone.</param>
/// <param name="QuantizationOnlyError">Its held-out error.</param>
/// <param name="QuantizationOnlyRatio">Its error ÷ uniform g4 error.</param>
/// <param name="QuantizationOnlySettings">Its layer settings.</param>
/// <param name="WallS">Wall seconds of the run.</param>
/// <param name="CpuS">User + system seconds of the run.</param>
/// <param name="LoadAverage">The 1-minute load average at the end, as /proc/loadavg writes it (null where unreadable).</param>
public sealed record PlanBenchReport(string Model, string Data, long UniformG4Bytes, double UniformG4Error, long PlanBytes, double PlanError, double PlanRatio,
    string PlanSettings, long QuantizationOnlyBytes, double QuantizationOnlyError, double QuantizationOnlyRatio, string QuantizationOnlySettings,
    double WallS, double CpuS, string? LoadAverage)
{
    /// <summary>The plan's predicted error (the layers' selection-sample errors in quadrature).</summary>
    public double? PlanPredictedError { get; init; }

    /// <summary>The plan's error on the selection samples, the whole choice at once.</summary>
    public double? PlanSelectionError { get; init; }

    /// <summary>Selection samples the plans were chosen on (calibration digits withheld from fitting).</summary>
    public int? SelectionSamples { get; init; }

    /// <summary>The bench's name, first in the JSON as every bench report has it.</summary>
    [JsonPropertyOrder(-1)]
    public string Bench => "plan";

    /// <summary>The classifier the bench trains (kept in the figures' text); the packaged models are described by <see cref="PackagedModelPlanBench.Describe"/>.</summary>
    public const string ModelDescription = "mnist classifier 784-1000-1000-10 (2 epochs), onnx";

    /// <summary>Where the trained classifier is kept between runs unless told otherwise.</summary>
    public static string DefaultFolder => Path.Combine(Path.GetTempPath(), "condense-bench-plan");

    /// <summary>Runs the bench of <paramref name="model"/> and reports it; <paramref name="loadAverage"/> is read by the caller, after the run.</summary>
    public static PlanBenchReport Run(string model, string folder, int threads, Func<string?> loadAverage, Action<string>? progress = null) =>
        From(Measure(model, folder, threads, progress), loadAverage(), Describe(model));

    /// <summary>
    /// The figures of <paramref name="model"/>: <see cref="Classifier"/> (<see cref="ClassifierPlanBench"/>, kept in
    /// <paramref name="folder"/>) or one of <see cref="PackagedModelPlanBench.Models"/> (kept in its subfolder).
    /// </summary>
    public static PlanAtUniformG4.Result Measure(string model, string folder, int threads, Action<string>? progress = null,
        int selectionSamples = ClassifierPlanBench.DefaultSelectionSamples) =>
        model == Classifier
            ? ClassifierPlanBench.Run(folder, threads, progress, selectionSamples)
            : PackagedModelPlanBench.Run(model, Path.Combine(folder, model), threads, progress);

    /// <summary>The one-line description of <paramref name="model"/> the figures show.</summary>
    public static string Describe(string model) => model == Classifier ? ModelDescription : PackagedModelPlanBench.Describe(model);

    /// <summary>The bench's own model: the MNIST classifier it trains.</summary>
    public const string Classifier = "classifier";

    /// <summary>The report of one run of the model <paramref name="model"/> describes.</summary>
    public static PlanBenchReport From(PlanAtUniformG4.Result r, string? loadAverage, string model = ModelDescription)
    {
        ArgumentNullException.ThrowIfNull(r);
        static string Settings(OnnxBudgetPlanResult p) => string.Join(", ", p.Layers.Select(l => $"{l.Node} {l.Setting}"));
        return new PlanBenchReport(model, r.Data, r.Uniform.Bytes, r.Uniform.Error, r.Plan.Bytes, r.Plan.Measured.Error,
            r.Plan.Measured.Error / r.Uniform.Error, Settings(r.Plan), r.QuantizationOnly.Bytes, r.QuantizationOnly.Measured.Error,
            r.QuantizationOnly.Measured.Error / r.Uniform.Error, Settings(r.QuantizationOnly), r.WallSeconds, r.CpuSeconds, loadAverage)
        { PlanPredictedError = r.Plan.PredictedError, PlanSelectionError = r.Plan.SelectionError, SelectionSamples = r.SelectionSamples };
    }
}
