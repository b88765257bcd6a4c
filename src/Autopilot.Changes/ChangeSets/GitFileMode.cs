namespace Autopilot.Changes.ChangeSets;

/// <summary>A git file mode (100644, 100755, 120000, 160000, ...); <see cref="None"/> when the side does not exist.</summary>
public readonly record struct GitFileMode(int Value)
{
    private const int TypeMask = 0xF000;
    private const int SymlinkType = 0xA000;   // 0o120000
    private const int GitlinkType = 0xE000;   // 0o160000
    private const int RegularType = 0x8000;   // 0o100000

    public static readonly GitFileMode None = new(0);
    public static readonly GitFileMode Regular = new(0x81A4);     // 0o100644
    public static readonly GitFileMode Executable = new(0x81ED);  // 0o100755
    public static readonly GitFileMode Symlink = new(SymlinkType);
    public static readonly GitFileMode Submodule = new(GitlinkType);

    public bool Exists => Value != 0;

    public bool IsSymlink => (Value & TypeMask) == SymlinkType;

    public bool IsSubmodule => (Value & TypeMask) == GitlinkType;

    public bool IsRegular => (Value & TypeMask) == RegularType;

    public bool IsExecutable => IsRegular && (Value & 0x49) != 0;   // any x bit (0o111)

    /// <summary>Parses git's octal form; false for anything else.</summary>
    public static bool TryParse(string? octal, out GitFileMode mode)
    {
        mode = None;
        if (string.IsNullOrEmpty(octal) || octal.Length > 7)
        {
            return false;
        }

        var value = 0;
        foreach (var c in octal)
        {
            if (c is < '0' or > '7')
            {
                return false;
            }

            value = (value * 8) + (c - '0');
        }

        mode = new GitFileMode(value);
        return true;
    }

    public override string ToString() => Convert.ToString(Value, 8).PadLeft(6, '0');
}
