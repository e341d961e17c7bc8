namespace Condense;

/// <summary>
/// The one exception type Condense raises for problems a caller can act on: a bad setting,
/// a file that is not what it claims to be, a budget that cannot be met. Anything else that
/// escapes the library is a bug. The CLI prints <see cref="Exception.Message"/> as one line
/// and exits non-zero, so messages name the file (when there is one) and the problem.
/// </summary>
public class CondenseException : Exception
{
    /// <summary>A problem the caller can act on, described in <paramref name="message"/> as one line naming the setting or file and what is wrong.</summary>
    public CondenseException(string message) : base(message) { }
    /// <summary>As <see cref="CondenseException(string)"/>, keeping the exception that revealed the problem for a debugger or log.</summary>
    public CondenseException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A file (or stream standing in for one) whose bytes break its format's rules. Readers throw
/// this and nothing else for hostile input, so fuzzers and callers have one thing to catch.
/// </summary>
public sealed class InvalidFileException : CondenseException
{
    /// <summary>A malformed file: <paramref name="source"/> names it (a path, or what the bytes came from) and <paramref name="problem"/> says what is wrong, so the message reads "source: problem".</summary>
    public InvalidFileException(string source, string problem)
        : base($"{source}: {problem}") { Source = source; Problem = problem; }

    /// <summary>The file's path or a name for the stream.</summary>
    public new string Source { get; }

    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}
