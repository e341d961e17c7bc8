using Condense.Data;
using Condense.Models;
using Condense.Models.Cnn;
using Condense.Pruning.Slimming;
using Condense.Workflows;

namespace Condense.Tests.Workflows;

/// <summary>
/// The one trained-model cache (the demo's and the Studio's): a miss trains and saves, a hit loads without
/// training, other settings or a broken file train again and replace it, never leaving a temporary file.
/// Tiny runs: LeNet-300-100, one epoch on 256 MNIST digits.
/// </summary>
public sealed class TrainedModelCacheTests : IDisposable
{
    static readonly (Dataset Train, Dataset Test) Mnist = DataSets.Load(DataSets.Mnist10k);
    static readonly Dataset Train = Mnist.Train.Take(256);
    static readonly Dataset Test = Mnist.Test.Take(64);
    static readonly TrainingOptions OneEpoch = new() { Epochs = 1, Seed = 3 };

    readonly string folder = Directory.CreateTempSubdirectory("condense-model-cache-").FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    string CachePath => Path.Combine(folder, "lenet.safetensors");

    /// <summary>Runs the cache and counts how often it trained (through its progress callback) and how many epochs it reported.</summary>
    (TrainedModelResult<MlpModel> Result, int Runs, int Epochs) LoadOrTrain(TrainingOptions options, ModelKind kind = ModelKind.LeNet300, bool retrain = false) =>
        LoadOrTrain(TrainedModelRecipe.Mlp(kind), options, retrain);

    (TrainedModelResult<TModel> Result, int Runs, int Epochs) LoadOrTrain<TModel>(TrainedModelRecipe<TModel> recipe, TrainingOptions options, bool retrain = false)
        where TModel : CondenseModel
    {
        var (runs, epochs) = (0, 0);
        var result = TrainedModelCache.LoadOrTrain(new TrainedModelRequest<TModel>(CachePath, recipe, options, DataSets.Mnist10k, Train, Test)
        {
            Retrain = retrain,
            Progress = (_, _, train) =>
            {
                runs++;
                return train(new TrainingHooks { OnEpoch = (_, _) => epochs++ });
            },
        });
        return (result, runs, epochs);
    }

    static float[][] Weights(CondenseModel model) => ModelFile.Weights(model).Select(t => t.ToFloat32()).ToArray();

    /// <summary>Only the cache file: no temporary file beside it.</summary>
    void AssertOnlyTheCacheFile() => Assert.Equal([CachePath], Directory.GetFiles(folder));

    [Fact]
    public void A_miss_trains_with_the_seed_and_saves_the_same_weights_a_direct_training_run_gives()
    {
        var (result, runs, epochs) = LoadOrTrain(OneEpoch);
        using var model = result.Model;

        Assert.Equal(TrainedModelSource.Missing, result.Source);
        Assert.False(result.Loaded);
        Assert.Equal((1, 1), (runs, epochs));
        Assert.Contains("no cached model", result.Reason);
        AssertOnlyTheCacheFile();
        var (saved, card) = ModelFile.Load(CachePath);
        using (saved)
        {
            Assert.Equal(OneEpoch, card.Training);
            Assert.Equal(DataSets.Mnist10k, card.DataSet);
            Assert.Equal(result.Training!.Final, card.Test);
            Assert.Equal(Weights(model), Weights(saved));
        }
        // Same bytes as training directly: the model is built and trained with the options' seed.
        using var direct = ModelFactory.Create(ModelKind.LeNet300, OneEpoch.Seed);
        Trainer.Train(direct, Train, Test, OneEpoch);
        Assert.Equal(Weights(direct), Weights(model));
    }

    [Fact]
    public void A_hit_loads_the_same_weights_without_training()
    {
        using var first = LoadOrTrain(OneEpoch).Result.Model;
        var written = File.GetLastWriteTimeUtc(CachePath);

        var (result, runs, epochs) = LoadOrTrain(OneEpoch with { });
        using var model = result.Model;

        Assert.Equal(TrainedModelSource.Loaded, result.Source);
        Assert.True(result.Loaded);
        Assert.Null(result.Training);
        Assert.Equal((0, 0), (runs, epochs));
        Assert.Equal(Weights(first), Weights(model));
        Assert.Equal(written, File.GetLastWriteTimeUtc(CachePath));
        AssertOnlyTheCacheFile();
    }

    [Theory]
    [InlineData(4, 1, "Seed 3 → 4")]
    [InlineData(3, 2, "Epochs 1 → 2")]
    public void Other_settings_train_again_and_replace_the_file(int seed, int epochCount, string difference)
    {
        using var first = LoadOrTrain(OneEpoch).Result.Model;
        var wanted = OneEpoch with { Seed = seed, Epochs = epochCount };

        var (result, runs, epochs) = LoadOrTrain(wanted);
        using var model = result.Model;

        Assert.Equal(TrainedModelSource.Stale, result.Source);
        Assert.True(result.CacheUnusable);
        Assert.Equal((1, epochCount), (runs, epochs));
        Assert.Equal($"{CachePath}: trained with other settings: {difference}", result.Reason);
        Assert.NotEqual(Weights(first), Weights(model));
        var (saved, card) = ModelFile.Load(CachePath);
        using (saved) Assert.Equal(wanted, card.Training);
        AssertOnlyTheCacheFile();
        // And now it is the cached one.
        var again = LoadOrTrain(wanted);
        using (again.Result.Model) Assert.Equal((TrainedModelSource.Loaded, 0), (again.Result.Source, again.Runs));
    }

    [Fact]
    public void A_file_of_another_architecture_is_stale()
    {
        using var first = LoadOrTrain(OneEpoch).Result.Model;
        var (result, runs, _) = LoadOrTrain(OneEpoch, ModelKind.Autoencoder);
        using var model = result.Model;
        Assert.Equal(TrainedModelSource.Stale, result.Source);
        Assert.Equal(1, runs);
        Assert.EndsWith("holds a model of architecture LeNet300, not Autoencoder", result.Reason);
        Assert.Equal(ModelKind.Autoencoder, ((MlpModel)model).Kind);
    }

    [Theory]
    [InlineData("truncated")]
    [InlineData("garbage")]
    [InlineData("empty")]
    public void A_broken_file_trains_again_instead_of_failing_and_is_replaced(string damage)
    {
        using (LoadOrTrain(OneEpoch).Result.Model) { }
        var good = File.ReadAllBytes(CachePath);
        File.WriteAllBytes(CachePath, damage switch
        {
            "truncated" => good[..(good.Length / 2)],
            "garbage" => Enumerable.Range(0, 4096).Select(i => (byte)(i * 37)).ToArray(),
            _ => [],
        });

        var (result, runs, _) = LoadOrTrain(OneEpoch);
        using var model = result.Model;

        Assert.Equal(TrainedModelSource.Unreadable, result.Source);
        Assert.True(result.CacheUnusable);
        Assert.Equal(1, runs);
        Assert.StartsWith($"{CachePath}: unreadable (", result.Reason);
        Assert.Equal(good, File.ReadAllBytes(CachePath));   // seeded: the replacement is the same file again
        AssertOnlyTheCacheFile();
    }

    [Fact]
    public void Retrain_trains_even_when_the_file_would_do()
    {
        using (LoadOrTrain(OneEpoch).Result.Model) { }
        var (result, runs, _) = LoadOrTrain(OneEpoch, retrain: true);
        using var model = result.Model;
        Assert.Equal((TrainedModelSource.Retrained, 1), (result.Source, runs));
        AssertOnlyTheCacheFile();
    }

    [Fact]
    public void Evaluating_after_each_epoch_leaves_the_trained_weights_unchanged()
    {
        // The cache always evaluates on the test set after each epoch; the demo's teacher used to train without a
        // test set. Evaluation draws no random numbers (dropout is off in eval mode), so the bytes are the same.
        var options = new TrainingOptions { Epochs = 2, Seed = 5 };
        using var withTest = ModelFactory.Create(ModelKind.Classifier, options.Seed);
        using var without = ModelFactory.Create(ModelKind.Classifier, options.Seed);
        Trainer.Train(withTest, Train, Test, options);
        Trainer.Train(without, Train, null, options);
        Assert.Equal(Weights(without), Weights(withTest));
    }

    [Fact]
    public void A_request_without_a_path_cannot_be_built()
    {
        Assert.Equal("cached model path must be a file name, got ''",
            Assert.Throws<CondenseException>(() => new TrainedModelRequest<MlpModel>("", TrainedModelRecipe.Mlp(ModelKind.LeNet300), OneEpoch, DataSets.Mnist10k, Train, Test)).Message);
        Assert.Equal("model kind must be one of Classifier, Autoencoder, LeNet300, got 9",
            Assert.Throws<CondenseException>(() => TrainedModelRecipe.Mlp((ModelKind)9)).Message);
    }

    // A CNN with a training-time step and a changed initialisation: VGG-BN whose γ start at 0.5, L1 on γ after each backward.
    static TrainedModelRecipe<VggNet> Slimming(string config, double lambda) => TrainedModelRecipe.Cnn(seed =>
    {
        var net = (VggNet)CnnFactory.Create("vgg", seed, DataSets.Mnist10k, config);
        using (TorchSharp.torch.no_grad())
            foreach (var u in net.ConvUnits) u.Norm!.weight!.fill_(0.5f);
        return net;
    }) with { Description = $"L1 on γ, λ = {lambda}, γ starts at 0.5", AfterBackward = NetworkSlimming.SparsityHook(lambda) };

    [Fact]
    public void A_cnn_with_a_training_step_is_cached_like_an_mlp_and_its_recipe_is_checked()
    {
        var (trained, runs, _) = LoadOrTrain(Slimming("4,M,6,M", 1e-2), OneEpoch);
        using (trained.Model)
        {
            Assert.Equal((TrainedModelSource.Missing, 1), (trained.Source, runs));
            // The recipe's step ran: the same network trained without it has other γ.
            using var plain = Slimming("4,M,6,M", 1e-2).Create(OneEpoch.Seed);
            Trainer.Train(plain, Train, Test, OneEpoch);
            Assert.NotEqual(Weights(plain), Weights(trained.Model));
            using var withStep = Slimming("4,M,6,M", 1e-2).Create(OneEpoch.Seed);
            Trainer.Train(withStep, Train, Test, OneEpoch, new TrainingHooks { AfterBackward = NetworkSlimming.SparsityHook(1e-2) });
            Assert.Equal(Weights(withStep), Weights(trained.Model));
            var (loaded, runsAgain, _) = LoadOrTrain(Slimming("4,M,6,M", 1e-2), OneEpoch);
            using (loaded.Model)
            {
                Assert.Equal((TrainedModelSource.Loaded, 0), (loaded.Source, runsAgain));
                Assert.Equal(Weights(trained.Model), Weights(loaded.Model));
            }
        }
        var otherLambda = LoadOrTrain(Slimming("4,M,6,M", 2e-2), OneEpoch).Result;
        using (otherLambda.Model)
            Assert.EndsWith("built or trained otherwise: L1 on γ, λ = 0.01, γ starts at 0.5 → L1 on γ, λ = 0.02, γ starts at 0.5", otherLambda.Reason);
        var otherConfig = LoadOrTrain(Slimming("4,M,8,M", 2e-2), OneEpoch).Result;
        using (otherConfig.Model)
            Assert.EndsWith("holds another Vgg: config 4,M,6,M → 4,M,8,M", otherConfig.Reason);
        // An MLP asked for where a CNN is cached: the MLP reader refuses the file, so it trains again.
        var mlp = LoadOrTrain(OneEpoch).Result;
        using (mlp.Model) Assert.Equal(TrainedModelSource.Unreadable, mlp.Source);
        AssertOnlyTheCacheFile();
    }
}
