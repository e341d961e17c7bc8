
namespace Condense.Calibration;

/// <summary>
/// 400 public-domain English sentences (the SQLite documentation, from Debian's sqlite3-doc;
/// provenance in data/README.md) embedded in the library, so tests, benchmarks and demos of text
/// models have real sentences without any file of the user's.
/// </summary>
public static class SampleSentences
{
    /// <summary>The file's text: one sentence a line, UTF-8.</summary>
    public static string Text
    {
        get
        {
            using var stream = typeof(SampleSentences).Assembly.GetManifestResourceStream("Condense.Calibration.sentences.txt")
                ?? throw new CondenseException("the embedded sentences are missing from Condense.dll");
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
    }

    /// <summary>The sentences, in file order.</summary>
    public static IReadOnlyList<string> All => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
