using System.Globalization;
using Autopilot.Policy.Loading;
using Newtonsoft.Json;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Autopilot.Core.Schemas;

/// <summary>
/// Reads YAML documents as JSON tokens that carry the YAML line and column of each value, so that
/// <c>JToken.ReadFrom</c> builds a tree whose <see cref="IJsonLineInfo"/> points into the YAML file and
/// schema errors land on the right line. Scalars resolve as in the YAML 1.2 core schema; aliases are
/// expanded (with a budget, against "billion laughs" documents); nesting is capped like Newtonsoft's.
/// </summary>
internal sealed class YamlJsonReader : JsonReader, IJsonLineInfo
{
    /// <summary>Most tokens one YAML text may expand to (aliases included).</summary>
    internal const int MaxTokens = 1_000_000;

    /// <summary>Deepest nesting accepted, the same as Newtonsoft's default for JSON.</summary>
    internal const int MaxNesting = 64;

    private readonly List<YamlToken> _tokens;
    private int _index = -1;

    private YamlJsonReader(List<YamlToken> tokens) => _tokens = tokens;

    public int LineNumber => _index >= 0 && _index < _tokens.Count ? _tokens[_index].Line : 0;

    public int LinePosition => _index >= 0 && _index < _tokens.Count ? _tokens[_index].Column : 0;

    public bool HasLineInfo() => _index >= 0 && _index < _tokens.Count;

    public override bool Read()
    {
        _index++;
        if (_index >= _tokens.Count)
        {
            return false;
        }

        var token = _tokens[_index];
        SetToken(token.Type, token.Value);
        return true;
    }

    /// <summary>
    /// One reader per YAML document in <paramref name="yaml"/> (an empty text is one null document).
    /// </summary>
    /// <exception cref="YamlToJsonException">The YAML is malformed or cannot be expressed as JSON.</exception>
    public static IReadOnlyList<YamlJsonReader> ReadDocuments(string yaml)
    {
        var documents = new List<List<YamlToken>>();
        var last = new int[] { 1, 1 };
        try
        {
            Convert(new Parser(new StringReader(yaml)), documents, last);
        }
        catch (YamlException e)
        {
            throw new YamlToJsonException(StripMarkPrefix(e.Message), (int)e.Start.Line, (int)e.Start.Column);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet's scanner throws these on some malformed input; the last event read is as close as we get.
            throw new YamlToJsonException($"Malformed YAML after this point ({e.Message})", last[0], last[1]);
        }

        if (documents.Count == 0)
        {
            documents.Add([new YamlToken(JsonToken.Null, null, 1, 1)]);
        }

        return documents.Select(d => new YamlJsonReader(d)).ToList();
    }

    private static void Convert(Parser parser, List<List<YamlToken>> documents, int[] last)
    {
        List<YamlToken>? tokens = null;
        var frames = new Stack<Frame>();
        var anchors = new Dictionary<string, List<YamlToken>>(StringComparer.Ordinal);
        var recordings = new List<(string Anchor, int Start, int Depth)>();
        var total = 0;

        while (parser.MoveNext())
        {
            var current = parser.Current!;
            var line = (int)current.Start.Line;
            var column = (int)current.Start.Column;
            (last[0], last[1]) = (line, column);
            switch (current)
            {
                case DocumentStart:
                    tokens = [];
                    frames.Clear();
                    recordings.Clear();
                    break;

                case DocumentEnd:
                    if (tokens is { Count: 0 })
                    {
                        tokens.Add(new YamlToken(JsonToken.Null, null, line, column));
                    }

                    documents.Add(tokens!);
                    tokens = null;
                    break;

                case Scalar scalar:
                    if (frames.TryPeek(out var scalarFrame) && scalarFrame.IsMapping && scalarFrame.ExpectKey)
                    {
                        tokens!.Add(new YamlToken(JsonToken.PropertyName, scalar.Value, line, column));
                        scalarFrame.ExpectKey = false;
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchors[scalar.Anchor.Value] = [new YamlToken(JsonToken.String, scalar.Value, line, column)];
                        }

                        break;
                    }

                    var start = tokens!.Count;
                    tokens.Add(ResolveScalar(scalar, line, column));
                    total++;
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = tokens.GetRange(start, 1);
                    }

                    ValueDone(frames);
                    break;

                case MappingStart or SequenceStart:
                    var isMapping = current is MappingStart;
                    if (frames.TryPeek(out var parent) && parent.IsMapping && parent.ExpectKey)
                    {
                        throw new YamlToJsonException("A mapping key must be a plain value; JSON has no complex keys.", line, column);
                    }

                    if (frames.Count >= MaxNesting)
                    {
                        throw new YamlToJsonException($"Nesting deeper than {MaxNesting} levels.", line, column);
                    }

                    var anchor = current is MappingStart m ? m.Anchor : ((SequenceStart)current).Anchor;
                    if (!anchor.IsEmpty)
                    {
                        recordings.Add((anchor.Value, tokens!.Count, frames.Count));
                    }

                    tokens!.Add(new YamlToken(isMapping ? JsonToken.StartObject : JsonToken.StartArray, null, line, column));
                    total++;
                    frames.Push(new Frame(isMapping));
                    break;

                case MappingEnd or SequenceEnd:
                    frames.Pop();
                    tokens!.Add(new YamlToken(current is MappingEnd ? JsonToken.EndObject : JsonToken.EndArray, null, line, column));
                    for (var i = recordings.Count - 1; i >= 0; i--)
                    {
                        if (recordings[i].Depth == frames.Count)
                        {
                            anchors[recordings[i].Anchor] = tokens.GetRange(recordings[i].Start, tokens.Count - recordings[i].Start);
                            recordings.RemoveAt(i);
                        }
                    }

                    ValueDone(frames);
                    break;

                case AnchorAlias alias:
                    if (!anchors.TryGetValue(alias.Value.Value, out var replay))
                    {
                        throw new YamlToJsonException($"Alias '*{alias.Value.Value}' names no anchor defined before it.", line, column);
                    }

                    if (frames.TryPeek(out var aliasFrame) && aliasFrame.IsMapping && aliasFrame.ExpectKey)
                    {
                        if (replay is not [{ Value: not null } only] || only.Type is JsonToken.StartObject or JsonToken.StartArray)
                        {
                            throw new YamlToJsonException("A mapping key must be a plain value; JSON has no complex keys.", line, column);
                        }

                        tokens!.Add(new YamlToken(JsonToken.PropertyName, System.Convert.ToString(only.Value, CultureInfo.InvariantCulture), line, column));
                        aliasFrame.ExpectKey = false;
                        break;
                    }

                    total += replay.Count;
                    if (total > MaxTokens)
                    {
                        throw new YamlToJsonException($"The document expands to more than {MaxTokens} values through aliases.", line, column);
                    }

                    if (frames.Count + MaxDepthOf(replay) > MaxNesting)
                    {
                        throw new YamlToJsonException($"Nesting deeper than {MaxNesting} levels.", line, column);
                    }

                    tokens!.AddRange(replay);
                    ValueDone(frames);
                    break;
            }
        }
    }

    private static void ValueDone(Stack<Frame> frames)
    {
        if (frames.TryPeek(out var frame) && frame.IsMapping)
        {
            frame.ExpectKey = true;
        }
    }

    private static int MaxDepthOf(List<YamlToken> tokens)
    {
        int depth = 0, max = 0;
        foreach (var token in tokens)
        {
            if (token.Type is JsonToken.StartObject or JsonToken.StartArray)
            {
                max = Math.Max(max, ++depth);
            }
            else if (token.Type is JsonToken.EndObject or JsonToken.EndArray)
            {
                depth--;
            }
        }

        return max;
    }

    private static YamlToken ResolveScalar(Scalar scalar, int line, int column)
    {
        var value = scalar.Value;
        var tag = scalar.Tag.IsEmpty || scalar.Tag.IsNonSpecific ? null : scalar.Tag.Value;
        if (tag == "tag:yaml.org,2002:str" || (tag is null && scalar.Style != ScalarStyle.Plain))
        {
            return new YamlToken(JsonToken.String, value, line, column);
        }

        switch (YamlScalars.Kind(value))
        {
            case YamlScalarKind.Null:
                return new YamlToken(JsonToken.Null, null, line, column);
            case YamlScalarKind.Bool:
                YamlScalars.TryBool(value, out var flag);
                return new YamlToken(JsonToken.Boolean, flag, line, column);
            case YamlScalarKind.Integer when YamlScalars.TryInteger(value, out var integer):
                return new YamlToken(JsonToken.Integer, integer, line, column);
            case YamlScalarKind.Integer when System.Numerics.BigInteger.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big):
                return new YamlToken(JsonToken.Integer, big, line, column);
            case YamlScalarKind.Float when YamlScalars.TryFloat(value, out var number) && !double.IsInfinity(number) && !double.IsNaN(number):
                return new YamlToken(JsonToken.Float, number, line, column);
        }

        return new YamlToken(JsonToken.String, value, line, column);
    }

    // "Mark: Lin: 3, Col: 5, Chr: 20) - ..." style prefixes repeat what the finding's location says.
    private static string StripMarkPrefix(string message)
    {
        var close = message.IndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && close > 0 ? message[(close + 3)..] : message;
    }

    private sealed class Frame(bool isMapping)
    {
        public bool IsMapping { get; } = isMapping;

        public bool ExpectKey { get; set; } = isMapping;
    }

    private readonly record struct YamlToken(JsonToken Type, object? Value, int Line, int Column);
}

/// <summary>YAML that cannot be read, or cannot be read as JSON; 1-based line and column.</summary>
internal sealed class YamlToJsonException(string message, int line, int column) : Exception(message)
{
    public int Line { get; } = line;

    public int Column { get; } = column;
}
