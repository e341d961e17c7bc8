namespace Condense.Cli.Bench;

/// <summary>Real English sentences for MiniLM in <c>bench runtime</c> (written for Condense; no licence concerns).</summary>
internal static class BenchSentences
{
    public static readonly string[] All =
    [
        "The cat slept on the warm windowsill all afternoon.",
        "A cup of coffee on a wooden table next to an open laptop.",
        "Quantized models should run faster on processors with integer dot-product instructions.",
        "The train to Edinburgh was delayed by forty minutes because of a signal failure.",
        "She planted tomatoes, basil and a row of sunflowers along the fence.",
        "How do I reset my password if I no longer have access to my email?",
        "The committee will publish its final report early next spring.",
        "Neural networks can often be compressed without losing much accuracy.",
        "He forgot his umbrella and arrived at the meeting soaked to the skin.",
        "The museum's new exhibition traces the history of printed maps.",
        "Rainfall this month was twice the long-term average for the region.",
        "Please send the signed contract back to us by Friday.",
        "The recipe calls for two eggs, a cup of flour and a pinch of salt.",
        "Astronomers observed a bright supernova in a nearby galaxy.",
        "Our flight was cancelled, so we spent the night at the airport hotel.",
        "The library extended its opening hours during the exam period.",
        "A small bug in the parser caused the whole build to fail.",
        "Children gathered around the storyteller in the village square.",
        "The price of electricity rose sharply over the winter.",
        "Cycling to work is faster than driving in the city centre.",
        "The orchestra played Beethoven's fifth symphony to a full hall.",
        "Fresh snow covered the mountain pass overnight.",
        "The startup raised funding to expand into three new markets.",
        "Regular exercise improves both sleep and mood.",
    ];
}
