using Condense.Data;
using Condense.Formats;
using Condense.Models;
using Condense.Pruning;

namespace Condense.Workflows.Survey;

/// <summary>
/// The survey's pruning controls as one workflow: the request's options built and checked, the data
/// set loaded, the study run (<see cref="SkeletonizationStudy"/>, <see cref="ScratchStudy"/>, AGP vs
/// one-shot or sparse VD vs dense in <see cref="TrainingTimePruningStudy"/>) and every model it
/// produced written into the output folder: dense ones as .safetensors, sparse ones as
/// <see cref="SparseModelFile"/>.
/// </summary>
public static class SurveyStudyWorkflow
{
    /// <summary>Runs the study <paramref name="request"/> names; the report's JSON path is where the caller writes it.</summary>
    public static SurveyStudyReport Run(SurveyStudyRequest request, Action<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options();
        var vd = request.VariationalDropout();
        var (train, test) = DataSets.Load(request.Data);
        var folder = request.OutputFolder;
        Directory.CreateDirectory(folder);
        var files = new List<string>();
        void Sink(SurveyPoint p, MlpModel m)
        {
            var stem = Path.Combine(folder, $"{request.Study}-{p.Method.Replace(' ', '-')}-{Math.Round(100 * p.Sparsity):0}");
            var extra = new Dictionary<string, string> { ["pruning.method"] = p.Method, ["pruning.study"] = request.Study };
            var dense = Prune.Sparsity(m) < 0.3;
            var path = stem + (dense ? ".safetensors" : SparseModelFile.Extension);
            if (dense) ModelFile.Save(path, m, new ModelCard(request.Data, Extra: extra));
            else SparseModelFile.Save(path, m, null, new Dictionary<string, string>(extra) { ["dataset"] = request.Data });
            files.Add(path);
        }
        var result = request.Study switch
        {
            "skeleton" => SkeletonizationStudy.Run(train, test, options, progress, Sink),
            "scratch" => ScratchStudy.Run(train, test, options, progress, Sink),
            "agp" => TrainingTimePruningStudy.GradualVersusOneShot(train, test, options, progress, Sink),
            _ => TrainingTimePruningStudy.VariationalDropoutVersusDense(train, test, options, vd, progress, Sink),
        };
        return new SurveyStudyReport(result, Path.Combine(folder, $"{request.Study}.json"), files);
    }
}
