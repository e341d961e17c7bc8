using Condense.Formats.Onnx;
using Condense.Formats.Text;
using Microsoft.ML.Tokenizers;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Condense.Calibration;

/// <summary>
/// Calibration data from a file of sentences for a BERT-style encoder: each sentence is tokenized
/// with the model's own WordPiece vocabulary (lower-cased, as uncased models such as
/// all-MiniLM-L6-v2 expect) into <c>input_ids</c>, <c>attention_mask</c> (ones) and
/// <c>token_type_ids</c> (zeros), feeding only those the model has, batch 1, as long as the
/// sentence's tokens (at most <see cref="DataSpec.MaxSequenceLength"/>), or padded with [PAD]
/// to the model's length when that is fixed.
/// </summary>
public static class TextCalibration
{
    /// <summary>The input names a sentence can feed.</summary>
    public static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];

    /// <summary>Builds the data for a model with an <c>input_ids</c> input.</summary>
    public static CalibrationData Build(IReadOnlyList<ModelInput> inputs, DataSpec spec, string modelSource)
    {
        var path = spec.Path!;
        CheckInputs(inputs, path, modelSource);
        if (spec.Vocab is null)
            throw new CondenseException($"{path}: sentences need the model's vocabulary: pass --vocab VOCAB.txt");
        var tokenizer = VocabReader.Load(spec.Vocab);
        var sentences = SentenceFileReader.Read(path);
        var split = SourceSplit.Make(sentences.Count, spec.Count, spec.HeldOutFraction, spec.Seed);
        var calibration = split.Calibration.Select(i => Sample(tokenizer, sentences[i], inputs, spec.MaxSequenceLength)).ToList();
        var heldOut = split.HeldOut.Select(i => Sample(tokenizer, sentences[i], inputs, spec.MaxSequenceLength)).ToList();
        var used = calibration.Count + heldOut.Count;
        var description = $"{used} {(used < sentences.Count ? $"of {sentences.Count} " : "")}sentences in {path} ({calibration.Count} calibration, {heldOut.Count} held out), tokenized with {Path.GetFileName(spec.Vocab)}";
        return new CalibrationData(calibration, heldOut, description, false);
    }

    /// <summary>Refuses a model that sentences cannot feed, naming what it takes instead.</summary>
    public static void CheckInputs(IReadOnlyList<ModelInput> inputs, string path, string modelSource)
    {
        if (!inputs.Any(i => i.Name == "input_ids"))
            throw new CondenseException($"{path}: sentences feed a text model's input_ids, but {modelSource} takes {string.Join(", ", inputs)}");
        foreach (var input in inputs)
        {
            if (!InputNames.Contains(input.Name))
                throw new CondenseException($"{path}: sentences cannot feed input {input} of {modelSource} (only {string.Join(", ", InputNames)})");
            if (input.Type is not (DataType.Int64 or DataType.Int32))
                throw new CondenseException($"{modelSource}: input {input} is not INT64 or INT32 token ids");
            if (input.Dims.Length != 2 || input.Dims[0] > 1)
                throw new CondenseException($"{modelSource}: input {input} is not [batch, sequence] with batch 1 or dynamic");
        }
    }

    /// <summary>The tensors of one sentence, in the model's input order.</summary>
    public static IReadOnlyList<TensorProto> Sample(BertTokenizer tokenizer, string sentence, IReadOnlyList<ModelInput> inputs, int maxLength)
    {
        var ids = tokenizer.EncodeToIds(sentence).ToList();
        if (ids.Count > maxLength) ids = [.. ids.Take(maxLength - 1), tokenizer.SeparatorTokenId];
        var fixedLength = inputs.Select(i => i.Dims[1]).FirstOrDefault(d => d > 0, -1);
        var real = ids.Count;
        if (fixedLength > 0)
        {
            if (real > fixedLength) ids = [.. ids.Take((int)fixedLength - 1), tokenizer.SeparatorTokenId];
            real = ids.Count;
            while (ids.Count < fixedLength) ids.Add(tokenizer.PaddingTokenId);
        }
        var n = ids.Count;
        var result = new List<TensorProto>();
        foreach (var input in inputs)
        {
            var values = input.Name switch
            {
                "input_ids" => ids.Select(i => (long)i).ToArray(),
                "attention_mask" => Enumerable.Range(0, n).Select(i => i < real ? 1L : 0L).ToArray(),
                _ => new long[n],
            };
            result.Add(input.Type == DataType.Int64
                ? OnnxTensorData.Int64(input.Name, values, 1, n)
                : OnnxTensorData.Int32(input.Name, values.Select(v => (int)v).ToArray(), 1, n));
        }
        return result;
    }
}
