using System.Text;
using Condense.Formats.Onnx;
using Condense.Formats.Text;

namespace Condense.Tests.Formats.Text;

public class VocabReaderTests
{
    static readonly string Minimal = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\n,\nworld\n!\nun\n##believ\n##able\n[MASK]\n";

    [Fact]
    public void Ids_are_line_numbers_with_cls_and_sep_and_lower_casing()
    {
        var tokenizer = VocabReader.Parse(Encoding.UTF8.GetBytes(Minimal), "v.txt");
        Assert.Equal([2, 4, 5, 6, 7, 3], tokenizer.EncodeToIds("Hello, World!"));
        Assert.Equal([2, 8, 9, 10, 1, 3], tokenizer.EncodeToIds("unbelievable zebra"));
    }

    [Fact]
    public void MiniLm_vocab_gives_the_ids_of_its_own_lines()
    {
        var lines = File.ReadAllLines(PackagedModels.MiniLmVocab);
        int Id(string token) => Array.IndexOf(lines, token);
        var tokenizer = VocabReader.Load(PackagedModels.MiniLmVocab);
        Assert.Equal(new[] { "[CLS]", "the", "database", "file", "is", "small", ".", "[SEP]" }.Select(Id), tokenizer.EncodeToIds("The database FILE is small."));
        // A word outside the vocabulary splits into WordPiece pieces that exist and spell it.
        var ids = tokenizer.EncodeToIds("quantization");
        var pieces = ids.Skip(1).SkipLast(1).Select(i => lines[i]).ToList();
        Assert.True(pieces.Count > 1);
        Assert.Equal("quantization", string.Concat(pieces.Select(p => p.StartsWith("##", StringComparison.Ordinal) ? p[2..] : p)));
    }

    [Theory]
    [InlineData("[PAD]\n[CLS]\n[SEP]\n[MASK]\nx\n", "no [UNK]")]
    [InlineData("[PAD]\n[UNK]\n[CLS]\n[SEP]\nx\nx\n", "appears twice")]
    [InlineData("[PAD]\n[UNK]\n\n[CLS]\n[SEP]\n", "empty token")]
    [InlineData("[PAD]\n[UNK]\n[CLS]\n[SEP]\na b\n", "white space")]
    public void Broken_vocabularies_are_refused_naming_the_problem(string text, string problem)
    {
        var ex = Assert.Throws<InvalidFileException>(() => VocabReader.Parse(Encoding.UTF8.GetBytes(text), "v.txt"));
        Assert.Contains(problem, ex.Message);
    }

    [Fact]
    public void Invalid_utf8_and_missing_files_are_refused()
    {
        Assert.Contains("UTF-8", Assert.Throws<InvalidFileException>(() => VocabReader.Parse([0x5B, 0xFF, 0xFE, 0x0A], "v.txt")).Message);
        Assert.Contains("vocabulary file not found", Assert.Throws<CondenseException>(() => VocabReader.Load("/nonexistent/vocab.txt")).Message);
    }
}
