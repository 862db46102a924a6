package io.weft.net.conformance;

import java.util.ArrayList;
import java.util.List;

/** A line diff of two traces (longest common subsequence), for the difference report. */
final class TraceDiff {
    private TraceDiff() {}

    /**
     * The lines of both, each prefixed: {@code "  "} in both, {@code "- "} only in the
     * reference, {@code "+ "} only in the row under test.
     */
    static List<String> diff(List<String> reference, List<String> actual) {
        int n = reference.size();
        int m = actual.size();
        int[][] lcs = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                lcs[i][j] = reference.get(i).equals(actual.get(j))
                        ? lcs[i + 1][j + 1] + 1
                        : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        List<String> out = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            if (i < n && j < m && reference.get(i).equals(actual.get(j))) {
                out.add("  " + reference.get(i++));
                j++;
            } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
                out.add("+ " + actual.get(j++));
            } else {
                out.add("- " + reference.get(i++));
            }
        }
        return out;
    }
}
