using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Autopilot.Changes.CSharp;

/// <summary>
/// Whether two versions of a C# file differ only in trivia: comments, whitespace, line breaks, <c>#region</c> and
/// <c>#endregion</c>. Tokens, every other directive (<c>#if</c>, <c>#define</c>, <c>#nullable</c>, <c>#pragma</c>) and the
/// text of inactive <c>#if</c> branches count as code.
/// </summary>
internal static class CodeTokens
{
    private static readonly CSharpParseOptions s_options = new(LanguageVersion.Preview, DocumentationMode.None);

    public static bool SameCode(string oldText, string newText) =>
        string.Equals(oldText, newText, StringComparison.Ordinal) || Significant(oldText).SequenceEqual(Significant(newText), StringComparer.Ordinal);

    private static IEnumerable<string> Significant(string text)
    {
        var root = CSharpSyntaxTree.ParseText(PreprocessorNames.BlankFileDirectives(text), s_options).GetRoot();
        foreach (var token in root.DescendantTokens())
        {
            foreach (var trivia in token.LeadingTrivia)
            {
                if (Counts(trivia))
                {
                    yield return Squeeze(trivia.ToFullString());
                }
            }

            yield return token.Text;
            foreach (var trivia in token.TrailingTrivia)
            {
                if (Counts(trivia))
                {
                    yield return Squeeze(trivia.ToFullString());
                }
            }
        }
    }

    private static bool Counts(SyntaxTrivia trivia) =>
        trivia.IsKind(SyntaxKind.DisabledTextTrivia)
        || (trivia.IsDirective && !trivia.IsKind(SyntaxKind.RegionDirectiveTrivia) && !trivia.IsKind(SyntaxKind.EndRegionDirectiveTrivia));

    // Inactive code and directives compare without their whitespace (re-indenting them is not a change).
    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));
}
