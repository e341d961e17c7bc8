using System.Diagnostics;
using Condense.Analysis;
using Condense.Calibration;
using Condense.Formats.Onnx;
using Condense.Workflows;

namespace Condense.Studio.Pages;

/// <summary>
/// Page 7's analysis of an uploaded ONNX model, run on a background thread (seconds to minutes):
/// the data loaded by the library's loader (<see cref="CalibrationDataLoader"/>), then
/// <see cref="OnnxAnalysis.Analyze"/>, whose progress lines the page polls. What it leaves
/// (<see cref="OnnxLayerCandidates"/>) makes each budget a planner run and one build
/// (<see cref="OnnxBudgetPlan"/>), so the budget slider re-plans on every step. The last few
/// plans are kept for their downloads.
/// </summary>
internal sealed class ModelAnalysisJob : IDisposable
{
    /// <summary>Settings of the quick analysis: rounding to nearest only (no calibration capture, no GPTQ).</summary>
    public static IReadOnlyList<string> QuickSettings { get; } = ["g8-rtn", "g4-rtn", "g3-rtn", "g2-rtn", "k4-rtn", "k2-rtn"];

    /// <summary>Held-out samples every model-output figure is measured on (at most; fewer when the data holds fewer).</summary>
    public const int SensitivitySamples = 8;

    const int KeptPlans = 4;

    readonly object gate = new();
    readonly List<string> lines = [];
    readonly Stopwatch clock = Stopwatch.StartNew();
    readonly LinkedList<(long Budget, OnnxBudgetPlanResult Plan)> plans = new();
    readonly SemaphoreSlim planning = new(1);
    OnnxLayerCandidates? candidates;
    bool disposed;

    public ModelAnalysisJob(string quality, string preprocess, string? shape)
    {
        (Quality, Preprocess, Shape) = (quality, preprocess, shape);
    }

    public string Quality { get; }
    public string Preprocess { get; }
    public string? Shape { get; }

    public string State { get; private set; } = "running";
    public string? Error { get; private set; }
    public OnnxAnalysisReport? Report { get; private set; }
    public (long Smallest, long Original) Range { get; private set; }
    public double Seconds => clock.Elapsed.TotalSeconds;

    public IReadOnlyList<string> Lines
    {
        get { lock (gate) return [.. lines.TakeLast(6)]; }
    }

    /// <summary>The data spec the Studio loads for a model: the library's defaults, the Studio's seed.</summary>
    public static DataSpec Spec(UploadedData.Resolved? data, string preprocess, IReadOnlyDictionary<string, long[]>? shapes, int seed) =>
        new(data?.Path, Vocab: data?.Vocab, InputShapes: shapes, Seed: seed,
            Image: preprocess == "imagenet" ? ImagePreprocessing.ImageNet : ImagePreprocessing.Default);

    /// <summary>"1,3,224,224" for the model's first input, as <see cref="DataSpec.InputShapes"/> takes it.</summary>
    public static IReadOnlyDictionary<string, long[]>? Shapes(OnnxModel model, string? shape)
    {
        if (string.IsNullOrWhiteSpace(shape)) return null;
        var dims = shape.Split(',', 'x', '×', ' ').Where(p => p.Length > 0).Select(p => long.TryParse(p, out var d) && d > 0 ? d
            : throw new CondenseException($"input shape '{shape}': every dimension must be a positive integer")).ToArray();
        var inputs = model.Proto.Graph.Input.Select(i => i.Name).Except(model.Proto.Graph.Initializer.Select(i => i.Name)).ToList();
        if (inputs.Count == 0) throw new CondenseException("the model has no inputs to shape");
        return new Dictionary<string, long[]> { [inputs[0]] = dims };
    }

    /// <summary>Runs the analysis on the current thread; failures become <see cref="State"/> "failed" with one line.</summary>
    public void Run(ModelUpload upload, int seed)
    {
        try
        {
            Add("loading the data");
            var model = upload.Onnx!;
            var data = CalibrationDataLoader.Load(model, Spec(upload.Data, Preprocess, Shapes(model, Shape), seed));
            Add(Rename(data.Description, upload));
            var settings = Quality == "full" ? null : QuickSettings.Select(QuantizationSetting.Parse).ToList();
            var request = new OnnxAnalysisRequest(upload.ModelPath, data, settings, SensitivitySamples, Seed: seed, HeldOutSamples: SensitivitySamples,
                Progress: line => Add(Rename(line, upload)));
            var (report, made) = OnnxAnalysis.Analyze(request);
            report = report with { Model = upload.Name, Data = Rename(report.Data, upload) };
            lock (gate)
            {
                if (disposed) { made.Dispose(); return; }
                candidates = made;
                Report = report;
                Range = OnnxBudgetPlan.Range(report, made);
                State = "done";
            }
        }
        catch (CondenseException ex)
        {
            Fail(Rename(ex.Message, upload));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Fail($"{upload.Name}: the analysis failed: {ex.GetType().Name}: {Rename(ex.Message, upload)}");
        }
    }

    /// <summary>The plan within <paramref name="maxBytes"/> (kept for its download), planned once per budget.</summary>
    public async Task<OnnxBudgetPlanResult> PlanAsync(long maxBytes, CancellationToken token)
    {
        await planning.WaitAsync(token);
        try
        {
            lock (gate)
            {
                if (plans.FirstOrDefault(p => p.Budget == maxBytes) is { Plan: not null } kept) return kept.Plan;
                if (candidates is null || Report is null) throw new CondenseException(State == "failed" ? $"the analysis failed: {Error}" : "the analysis is not finished yet");
            }
            var plan = await Task.Run(() => OnnxBudgetPlan.WithinBytes(Report!, candidates!, maxBytes), token);
            lock (gate)
            {
                plans.AddFirst((maxBytes, plan));
                while (plans.Count > KeptPlans) plans.RemoveLast();
            }
            return plan;
        }
        finally
        {
            planning.Release();
        }
    }

    void Add(string line)
    {
        lock (gate) lines.Add(line);
    }

    void Fail(string message)
    {
        lock (gate)
        {
            State = "failed";
            Error = message;
            lines.Add(message);
        }
    }

    // Messages name the server's file; the reader knows it by the name it uploaded.
    internal static string Rename(string text, ModelUpload upload)
    {
        var s = text.Replace(upload.ModelPath, upload.Name, StringComparison.Ordinal);
        if (upload.DataName is { } data)
            s = s.Replace(Path.Combine(upload.Folder, ModelUpload.DataFile), data, StringComparison.Ordinal)
                .Replace(Path.Combine(upload.Folder, ModelUpload.DataFolder), data, StringComparison.Ordinal);
        return s.Replace(upload.Folder + Path.DirectorySeparatorChar, "", StringComparison.Ordinal);
    }

    public void Dispose()
    {
        lock (gate)
        {
            disposed = true;
            candidates?.Dispose();
            candidates = null;
            plans.Clear();
        }
    }
}
